// streamEvent cuts one message of the live event stream (GET /api/v1/stream) down to what the page
// uses, the same whether the worker (stream-worker.js) or the page itself follows the stream:
// {type, time, position, receivedAt, machine?, status?, block?}, time being the event time in
// epoch ms. It returns null for a message that is not JSON.

export const positionType = 'equipment.PositionReported';
export const statusType = 'equipment.StatusChanged';

export function streamEvent(e, receivedAt) {
  let env;
  try {
    env = JSON.parse(e.data);
  } catch {
    return null;
  }
  const d = env.data ?? {};
  const ev = { type: env.type ?? e.type, time: Date.parse(env.time), position: Number(e.lastEventId) || env.position || 0, receivedAt };
  if (ev.type === positionType) ev.machine = { id: d.equipment, kind: d.kind, lonlat: [d.lon, d.lat], at: env.time };
  else if (ev.type === statusType) ev.status = { id: d.equipment, kind: d.kind, status: d.status };
  else if (d.block) ev.block = d.block;
  return ev;
}
