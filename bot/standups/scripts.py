"""The Lua scripts behind `StandupStore`'s claims (bot.standups.store): each is one atomic
round trip, whatever the number of occurrences it handles.
"""

from __future__ import annotations

# The claimed hash holds, per schedule, "<occurrence epoch> <claim token> <attempt>" while a
# scheduler works on that occurrence; the due zset's score is then the claim's lease end (or,
# after a failure, the time to retry). A member whose score has passed while it is claimed
# belongs to a dead scheduler (or waits for its retry): the next claim takes it over with a
# new token and the same occurrence, and the occurrence's recorded steps make the run resume.

# KEYS: due zset, claimed hash. ARGV: now, limit, lease end, schedule key prefix, token, fired
# key prefix, fired key TTL. Each occurrence taken is also marked fired by this claim (its
# fired key, see MARK_FIRED), so beginning it costs no round trip of its own.
# Returns {{id, occurrence, attempt, record JSON or false, ...}, earliest score left or false}.
CLAIM = """
local due = redis.call('zrangebyscore', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, ARGV[2])
local out = {}
for i = 1, #due, 2 do
  local id, score = due[i], due[i + 1]
  local occurrence, attempt = string.format('%d', tonumber(score)), 0
  local held = redis.call('hget', KEYS[2], id)
  if held then
    local at, _, tried = string.match(held, '^(%S+) ?(%S*) ?(%S*)$')
    occurrence, attempt = at, tonumber(tried) or 0
  end
  attempt = attempt + 1
  redis.call('hset', KEYS[2], id, occurrence .. ' ' .. ARGV[5] .. ' ' .. attempt)
  redis.call('zadd', KEYS[1], ARGV[3], id)
  redis.call('set', ARGV[6] .. id .. ':' .. occurrence, ARGV[5], 'EX', ARGV[7])
  out[#out + 1] = id
  out[#out + 1] = occurrence
  out[#out + 1] = attempt
  out[#out + 1] = redis.call('get', ARGV[4] .. id)
end
local first = redis.call('zrange', KEYS[1], 0, 0, 'WITHSCORES')
return {out, first[2] or false}
"""

# KEYS: due zset, claimed hash. ARGV: groups of (op, id, occurrence, token, score), op 'a' to
# advance (score: the next occurrence, '' when the rule has ended) or 'h' to hold (score: a
# new lease end or retry time). Only the claim named by the token is touched: a pause, cancel
# or take-over meanwhile wins. Returns the ids another claim took over (same occurrence).
SETTLE = """
local taken = {}
for i = 1, #ARGV, 5 do
  local op, id, occurrence, token, score = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local held = redis.call('hget', KEYS[2], id)
  local at, by = nil, nil
  if held then at, by = string.match(held, '^(%S+) ?(%S*)') end
  if at == occurrence and by == token then
    if op == 'h' then redis.call('zadd', KEYS[1], score, id)
    else
      redis.call('hdel', KEYS[2], id)
      if score == '' then redis.call('zrem', KEYS[1], id)
      else redis.call('zadd', KEYS[1], score, id) end
    end
  elseif at == occurrence then
    taken[#taken + 1] = id
  end
end
return taken
"""

# KEYS: fired key, claimed hash. ARGV: owner (a claim token), schedule id, occurrence, TTL.
# The first claim to begin an occurrence marks it; a later claim may take the mark over only
# while it holds the schedule's current claim of that occurrence (its predecessor's lease ran
# out), so a stale claimant, or a caller holding no claim, finds it taken.
MARK_FIRED = """
local held = redis.call('get', KEYS[1])
if held == ARGV[1] then return 1 end
if held then
  local claim = redis.call('hget', KEYS[2], ARGV[2])
  if not claim then return 0 end
  local at, by = string.match(claim, '^(%S+) ?(%S*)')
  if at ~= ARGV[3] or by ~= ARGV[1] then return 0 end
end
redis.call('set', KEYS[1], ARGV[1], 'EX', ARGV[4])
return 1
"""
