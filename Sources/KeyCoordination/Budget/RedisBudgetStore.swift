/// A key's ledger in Redis, shared by every process on every machine that names the same Redis.
///
/// One Lua script applies ``BudgetLedger``'s rule atomically on the server, on the server's clock (`TIME`), so the
/// machines' clocks need not agree: send times in a sorted set; the penalty, the last status news, the reserve's
/// tokens and the even spread in a hash; the waiters (`priority expiry`) in another hash. Keys are named by a keyed
/// hash of the API key and base URL and expire two minutes after their last use.
package final class RedisBudgetStore: BudgetStore {
    private let client: RESPClient
    private let keys: [String]

    /// The ledger for `name` (a ``RuntimeDirectory/keyedName(_:)`` of the key and base URL) on `client`'s server.
    package init(client: RESPClient, name: String) {
        self.client = client
        let prefix = "duvo:{\(name)}:budget:"
        keys = [prefix + "sends", prefix + "meta", prefix + "waiters"]
    }

    package var label: String { "the budget in \(client.endpoint)" }

    package func attempt(_ request: SlotRequest) async throws(CoordinationError) -> SlotDecision {
        let reply = try await run("attempt", request.participant, String(request.priority.rawValue),
                                  String(request.waitingAfterGrant?.rawValue ?? -1),
                                  String(request.allowances.limit), String(request.allowances.background),
                                  String(request.allowances.interactiveWhileStatuses))
        // The script waits 5 ms to a heartbeat; anything else (inf, a year, a negative) is not our script's answer.
        guard case .array(let fields?) = reply, fields.count == 2, let granted = fields[0].text,
              let seconds = fields[1].text.flatMap(Double.init), (0...BudgetLedger.heartbeat).contains(seconds) else {
            throw .redis(endpoint: client.endpoint.description, reason: "EVALSHA: unexpected budget reply, \(reply.summary)")
        }
        return granted == "1" ? .granted : .wait(seconds: seconds)
    }

    package func penalize(seconds: Double) async throws(CoordinationError) {
        _ = try await run("penalize", String(seconds))
    }

    package func noteStatusNews() async throws(CoordinationError) {
        _ = try await run("status")
    }

    package func leave(_ participant: String) async throws(CoordinationError) {
        _ = try await run("leave", participant)
    }

    package func usedInWindow() async throws(CoordinationError) -> Int {
        let reply = try await run("count")
        guard case .integer(let count) = reply else {
            throw .redis(endpoint: client.endpoint.description, reason: "EVALSHA: unexpected count reply, \(reply.summary)")
        }
        return count
    }

    private func run(_ arguments: String...) async throws(CoordinationError) -> RESPValue {
        try await Self.script.run(on: client, keys: keys, arguments: arguments)
    }

    /// ``BudgetLedger/attempt(_:now:)`` and its siblings in Lua; keep the two in step.
    private static let script = RedisScript(#"""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
        local window, lifetime, keep = 61, 3, 120000
        local sends, meta, waiters = KEYS[1], KEYS[2], KEYS[3]
        local op = ARGV[1]
        local function stamp(x) return string.format('%.6f', x) end
        local function purge()
          redis.call('ZREMRANGEBYSCORE', sends, '-inf', '(' .. stamp(now - window))
          local all = redis.call('HGETALL', waiters)
          local live = {}
          for i = 1, #all, 2 do
            local p, e = string.match(all[i + 1], '^(%d+) (.+)$')
            if p == nil or tonumber(e) <= now then redis.call('HDEL', waiters, all[i])
            else live[all[i]] = tonumber(p) end
          end
          return live
        end
        local function register(who, p)
          if p < 0 then redis.call('HDEL', waiters, who)
          else redis.call('HSET', waiters, who, p .. ' ' .. stamp(now + lifetime)) end
          redis.call('PEXPIRE', waiters, keep)
        end
        local function touch()
          local blocked = tonumber(redis.call('HGET', meta, 'blocked') or '0')
          redis.call('PEXPIRE', meta, math.max(keep, math.ceil((blocked - now) * 1000) + keep))
        end
        if op == 'penalize' then
          local untilTime = now + math.max(0.1, tonumber(ARGV[2]))
          if untilTime > tonumber(redis.call('HGET', meta, 'blocked') or '0') then
            redis.call('HSET', meta, 'blocked', stamp(untilTime))
          end
          touch()
          return 1
        elseif op == 'status' then
          redis.call('HSET', meta, 'status', stamp(now))
          touch()
          return 1
        elseif op == 'leave' then
          redis.call('HDEL', waiters, ARGV[2])
          return 1
        elseif op == 'count' then
          purge()
          return redis.call('ZCARD', sends)
        end
        local who, p, after = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
        local limit, background, interactive = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
        local live = purge()
        local blocked = tonumber(redis.call('HGET', meta, 'blocked') or '0')
        local status = tonumber(redis.call('HGET', meta, 'status') or '-1e18')
        local allowed = limit
        if p == 0 then allowed = background elseif p == 1 and now - status < window then allowed = interactive end
        local count = redis.call('ZCARD', sends)
        local free = now >= blocked and count < allowed
        local reserve = limit - interactive
        local fromReserve = p == 2 and count >= interactive and reserve > 0
        local paceWait, tokens = 0, 0
        local spacing = window / background
        local spread = tonumber(redis.call('HGET', meta, 'spread') or '-1e18')
        if free and fromReserve then
          local rate, burst = reserve / 60, math.max(2, reserve / 6)
          local at = tonumber(redis.call('HGET', meta, 'rat') or '')
          tokens = tonumber(redis.call('HGET', meta, 'rtokens') or '0')
          if at == nil then tokens = burst else tokens = math.min(burst, tokens + math.max(0, now - at) * rate) end
          redis.call('HSET', meta, 'rtokens', stamp(tokens), 'rat', stamp(now))
          if tokens < 1 then paceWait = (1 - tokens) / rate end
        elseif free and p == 0 then
          paceWait = math.max(0, spread - now - (math.floor(math.max(3, background / 10)) - 1) * spacing)
        end
        if paceWait > 0 then free = false end
        local outranked = false
        for w, wp in pairs(live) do if w ~= who and wp > p then outranked = true end end
        if free and not outranked then
          local seq = redis.call('HINCRBY', meta, 'seq', 1)
          redis.call('ZADD', sends, now, tostring(seq))
          redis.call('PEXPIRE', sends, keep)
          if p == 2 then redis.call('HSET', meta, 'status', stamp(now)) end
          if fromReserve then redis.call('HSET', meta, 'rtokens', stamp(tokens - 1)) end
          redis.call('HSET', meta, 'spread', stamp(math.max(spread, now) + spacing))
          touch()
          register(who, after)
          return {1, '0'}
        end
        register(who, math.max(p, after))
        if free then return {0, '0.01'} end
        local wake = math.max(blocked, now + paceWait)
        if count >= allowed then
          local oldest = redis.call('ZRANGE', sends, count - allowed, count - allowed, 'WITHSCORES')
          wake = math.max(wake, tonumber(oldest[2]) + window)
        end
        return {0, stamp(math.min(1, math.max(0.005, wake - now)))}
        """#)
}
