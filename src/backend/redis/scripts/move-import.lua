--- Inserts moved-in jobs by id, if absent, with every field as the source stored it
--- (src/backend/seam/move.ts). Not-started jobs get their state here, once the whole batch is
--- in: cancelled if a parent in this store ended failed/cancelled, waiting while one is
--- unfinished (linked as its child), else scheduled or queued by runAt.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  number of jobs
--- ARGV[…]  per job: id, then a JSON object of its hash fields (records.ts layout, string values)
--- ARGV[…]  number of workflows, then per workflow: id, name, policy, state, spec, total,
---          counts ("" = none), createdAt, finishedAt ("" = null)
--- ARGV[…]  number of dedupe entries, then per entry: the job's number in this call (1-based),
---          its field in <prefix>dedupe (task NUL key), its value ("firstAt:id"); written for an
---          inserted job when the key has no entry or only one naming a job this store lacks
---
--- Returns { 0, codes }: one character per job, i inserted, e existing, c key conflict.
--- Publishes job:enqueued (data.moved) for every not-finished inserted job.
--- @include "deps"
--- @include "push"

local prefix, now = KEYS[1], ARGV[1]
local nowN = tonumber(now)
local n = tonumber(ARGV[2])
local codes = {}
local added = {}
local byWf = {}
local batchKeys = {}
local pos = 3
for k = 1, n do
  local id, fields = ARGV[pos], cjson.decode(ARGV[pos + 1])
  pos = pos + 2
  local key = prefix .. 'job:' .. id
  local kf = nil
  if fields.key then kf = fields.task .. '\0' .. fields.key end
  if redis.call('EXISTS', key) == 1 then
    codes[k] = 'e'
  elseif kf and (batchKeys[kf] or redis.call('HEXISTS', prefix .. 'keys', kf) == 1) then
    codes[k] = 'c'
  else
    codes[k] = 'i'
    local flat = {}
    for f, v in pairs(fields) do
      flat[#flat + 1] = f
      flat[#flat + 1] = v
    end
    redis.call('HSET', key, unpack(flat))
    if kf then
      batchKeys[kf] = true
      redis.call('HSET', prefix .. 'keys', kf, id)
    end
    redis.call('ZADD', prefix .. 'jobs', 0, id)
    redis.call('SADD', prefix .. 'queues', fields.queue)
    if FINAL[fields.state] then
      place(prefix, id, fields.queue, fields.state, fields.priority, fields.finishedAt or now)
      count(fields.queue, fields.state, 1)
      listNew(id, fields.queue, fields.state, fields.createdAt or now, fields.task)
    else
      added[#added + 1] = { id = id, f = fields }
    end
    if fields.wf then
      local list = byWf[fields.wf]
      if not list then
        list = {}
        byWf[fields.wf] = list
      end
      list[#list + 1] = id
    end
  end
end

for i = 1, #added do
  local id, f = added[i].id, added[i].f
  local key = prefix .. 'job:' .. id
  local pending, doomed, released = 0, false, false
  if f.dependsOn then
    local deps = cjson.decode(f.dependsOn)
    for j = 1, #deps do
      local ps = redis.call('HGET', prefix .. 'job:' .. deps[j], 'state')
      if ps == 'failed' or ps == 'cancelled' then
        -- A spawn waiter's failed child releases it ('fail') or counts as done ('continue').
        if f.spawn == 'fail' then
          released = true
        elseif not f.spawn then
          doomed = true
        end
      elseif ps and ps ~= 'completed' then
        pending = pending + 1
        redis.call('SADD', prefix .. 'children:' .. deps[j], id)
        redis.call('HSET', prefix .. 'job:' .. deps[j], 'kids', 1)
      end
    end
  end
  if released then pending = 0 end
  local state, score = 'queued', f.runAt
  if doomed then
    state, score = 'cancelled', now
    redis.call('HSET', key, 'finishedAt', now)
  elseif pending > 0 then
    state = 'waiting'
  elseif tonumber(f.runAt) > nowN then
    state = 'scheduled'
  end
  redis.call('HSET', key, 'state', state, 'pending', pending)
  place(prefix, id, f.queue, state, f.priority, score)
  count(f.queue, state, 1)
  listNew(id, f.queue, state, f.createdAt or now, f.task)
  emit('job:enqueued', id, f.queue, state, now, '{"moved":true}')
end
listFlush(prefix)

local nw = tonumber(ARGV[pos])
pos = pos + 1
for k = 1, nw do
  local wf = ARGV[pos]
  local wkey = prefix .. 'wf:' .. wf
  if redis.call('EXISTS', wkey) == 0 then
    redis.call('HSET', wkey, 'name', ARGV[pos + 1], 'policy', ARGV[pos + 2], 'state', ARGV[pos + 3],
      'spec', ARGV[pos + 4], 'total', ARGV[pos + 5], 'createdAt', ARGV[pos + 7])
    if ARGV[pos + 6] ~= '' then redis.call('HSET', wkey, 'counts', ARGV[pos + 6]) end
    if ARGV[pos + 8] ~= '' then redis.call('HSET', wkey, 'finishedAt', ARGV[pos + 8]) end
    redis.call('ZADD', prefix .. 'workflows', 0, wf)
    if ARGV[pos + 3] == 'running' then redis.call('SADD', prefix .. 'workflows:running', wf) end
  end
  pos = pos + 9
end
for wf, ids in pairs(byWf) do callMany('RPUSH', prefix .. 'wf:' .. wf .. ':jobs', ids) end

local nd = tonumber(ARGV[pos])
pos = pos + 1
for k = 1, nd do
  local job, field, value = tonumber(ARGV[pos]), ARGV[pos + 1], ARGV[pos + 2]
  pos = pos + 3
  if codes[job] == 'i' then
    local rec = redis.call('HGET', prefix .. 'dedupe', field)
    local holder = rec and string.sub(rec, string.find(rec, ':', 1, true) + 1)
    if not holder or redis.call('EXISTS', prefix .. 'job:' .. holder) == 0 then
      redis.call('HSET', prefix .. 'dedupe', field, value)
      -- The job keeps its dedupe key, so removing it drops this record (includes/deps.lua).
      local id = string.sub(value, string.find(value, ':', 1, true) + 1)
      redis.call('HSET', prefix .. 'job:' .. id, 'dk', string.sub(field, string.find(field, '\0', 1, true) + 1))
    end
  end
end

endTransition(prefix, now)
return { 0, table.concat(codes) }
