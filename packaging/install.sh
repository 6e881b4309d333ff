#!/bin/sh
# Installs duvo from a release tarball made by packaging/build, for the current user, and says what it did.
#
#   packaging/install.sh duvo-VERSION-linux-x86_64.tar.gz
#
# The binary goes to $PREFIX/bin (PREFIX defaults to ~/.local, so ~/.local/bin), the shell completions where the
# shells look for them:
#   bash  $PREFIX/share/bash-completion/completions/duvo  (bash-completion reads ~/.local/share/... and
#                                                          /usr/local/share/... by itself)
#   zsh   $PREFIX/share/zsh/site-functions/_duvo          (on zsh's fpath for /usr/local; for ~/.local, add it)
#   fish  ~/.config/fish/completions/duvo.fish            ($PREFIX/share/fish/vendor_completions.d with PREFIX set)
# Nothing else is touched: no shell start-up file is edited; the lines to add, if any, are printed.
set -eu

say() { printf '%s\n' "$*"; }
die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: install.sh duvo-VERSION-linux-ARCH.tar.gz"
tarball=$1
[ -f "$tarball" ] || die "no such file: $tarball"
[ -n "${HOME:-}" ] || [ -n "${PREFIX:-}" ] || die "neither HOME nor PREFIX is set: say where to install with PREFIX"

prefix_given=${PREFIX:+yes}
prefix=${PREFIX:-$HOME/.local}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

tar -xzf "$tarball" -C "$work" || die "$tarball is not a gzip'd tarball"
top=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'duvo-*' | head -n 1)
[ -n "$top" ] && [ -x "$top/bin/duvo" ] || die "$tarball holds no duvo-*/bin/duvo: is it from packaging/build?"

mkdir -p "$prefix/bin"
# Copy then rename, so a running duvo is never overwritten in place and a failed copy leaves the old one.
cp "$top/bin/duvo" "$prefix/bin/.duvo.new"
chmod 0755 "$prefix/bin/.duvo.new"
mv -f "$prefix/bin/.duvo.new" "$prefix/bin/duvo"
say "installed $("$prefix/bin/duvo" --version) to $prefix/bin/duvo"

install_completion() {  # shell, file in the tarball, destination
  if [ -f "$top/completions/$2" ]; then
    mkdir -p "$(dirname "$3")"
    cp "$top/completions/$2" "$3"
    say "installed the $1 completion to $3"
    return 0
  fi
  say "this tarball has no $1 completion; skipped"
  return 1
}

install_completion bash duvo.bash "$prefix/share/bash-completion/completions/duvo" || true
zsh_dir=$prefix/share/zsh/site-functions
if install_completion zsh _duvo "$zsh_dir/_duvo" && [ "$zsh_dir" != /usr/local/share/zsh/site-functions ]; then
  say "  zsh reads it once its folder is on fpath: add 'fpath=($zsh_dir \$fpath)' before compinit in ~/.zshrc"
fi
if [ -n "$prefix_given" ]; then
  fish_file=$prefix/share/fish/vendor_completions.d/duvo.fish
else
  fish_file=${XDG_CONFIG_HOME:-$HOME/.config}/fish/completions/duvo.fish
fi
install_completion fish duvo.fish "$fish_file" || true

case ":${PATH:-}:" in
  *":$prefix/bin:"*) ;;
  *) say "note: $prefix/bin is not on PATH; add 'export PATH=\"$prefix/bin:\$PATH\"' to your shell's profile" ;;
esac
say "try it (no key, no network): duvo runs start --agent 7c9e6679-7425-40de-944b-e07fc1f90ae7 --follow --simulate"
