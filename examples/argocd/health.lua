-- Argo CD health check for SinkFleet (sinks.nexomatic.io/v1alpha1).
-- Healthy: the operator has observed the current generation and the Ready condition is True.
-- Progressing: the operator has not yet observed the current generation (status.observedGeneration
--   lags metadata.generation), or a rollout, scale or drain is running (Progressing=True), or
--   the fleet is not Ready yet.
-- Degraded: the Degraded condition is True; the message is the condition's (it names the field,
--   Secret or key to fix).
-- Suspended: spec.suspend is true and the operator has observed it.
local hs = {}

local function condition(conditions, type)
  if conditions == nil then
    return nil
  end
  for _, c in ipairs(conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local function describe(c, fallback)
  if c == nil then
    return fallback
  end
  if c.message ~= nil and c.message ~= "" then
    if c.reason ~= nil and c.reason ~= "" then
      return c.reason .. ": " .. c.message
    end
    return c.message
  end
  if c.reason ~= nil and c.reason ~= "" then
    return c.reason
  end
  return fallback
end

local generation = 0
if obj.metadata ~= nil and obj.metadata.generation ~= nil then
  generation = obj.metadata.generation
end

if obj.status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report the fleet's status"
  return hs
end

local observed = obj.status.observedGeneration
if observed == nil or observed < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

local conditions = obj.status.conditions
local ready = condition(conditions, "Ready")
local degraded = condition(conditions, "Degraded")
local progressing = condition(conditions, "Progressing")

if degraded ~= nil and degraded.status == "True" then
  hs.status = "Degraded"
  hs.message = describe(degraded, "The fleet is degraded")
  return hs
end

if obj.spec ~= nil and obj.spec.suspend == true then
  hs.status = "Suspended"
  hs.message = describe(ready, "Suspended: the fleet is scaled to zero")
  return hs
end

if progressing ~= nil and progressing.status == "True" then
  hs.status = "Progressing"
  hs.message = describe(progressing, "Rollout in progress")
  return hs
end

if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = describe(ready, "Every sink is ready")
  return hs
end

hs.status = "Progressing"
hs.message = describe(ready, "Waiting for the fleet to become Ready")
return hs
