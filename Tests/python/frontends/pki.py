"""A throw-away certificate authority and a server certificate for 127.0.0.1/localhost, made with `openssl`.

`TestPKI(directory)` writes `ca.pem` (trust this one, e.g. with SSL_CERT_FILE, or `hashed_directory()` with
SSL_CERT_DIR), `server.pem`/`server.key` (give these to the TLS front end) and `rogue-ca.pem` (a CA that signed
nothing the server presents: trusting only it must fail).
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


# A P-256 key and a request (or, with -x509, a self-signed certificate) in one `openssl req`.
NEW_KEY = ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


def _make_ca(directory: Path, name: str, subject: str) -> None:
    _openssl(*NEW_KEY, "-x509", "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2", "-subj", subject,
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             cwd=directory)


class TestPKI:
    """A CA, a rogue CA and a server certificate signed by the first, in `directory`."""

    __test__ = False  # not a pytest test class

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        _make_ca(self.directory, "ca", "/CN=duvo-bridge test CA")
        _make_ca(self.directory, "rogue-ca", "/CN=duvo-bridge rogue CA")
        (self.directory / "server.ext").write_text(
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n"
            "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n")
        _openssl(*NEW_KEY, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost",
                 cwd=self.directory)
        _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                 "-out", "server.pem", "-days", "2", "-extfile", "server.ext", cwd=self.directory)

    def hashed_directory(self) -> Path:
        """A folder holding only the CA, hashed by `openssl rehash` (what SSL_CERT_DIR expects)."""
        folder = self.directory / "hashed"
        if not folder.exists():
            folder.mkdir()
            (folder / "duvo-test-ca.pem").write_bytes(self.ca.read_bytes())
            _openssl("rehash", str(folder), cwd=self.directory)
        return folder

    @property
    def ca(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def rogue_ca(self) -> Path:
        return self.directory / "rogue-ca.pem"

    @property
    def server_certificate(self) -> Path:
        return self.directory / "server.pem"

    @property
    def server_key(self) -> Path:
        return self.directory / "server.key"
