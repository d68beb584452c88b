/**
 * Message ids for idempotency keys. An ecosystem id (ChirpStack `deduplicationId`, a native
 * `ts`/`seq`, Neuron's `timestamp`) is used when the message has one; otherwise the content hash
 * of topic and payload: the same bytes on the same topic are the same message (QoS 1 redelivery,
 * Zigbee2MQTT's double publish and cached state on restart, retained replays on subscribe).
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Two 32-bit FNV-1a passes with different seeds: 64 bits, fast on short payloads. */
export function contentHash(topic: string, payload: Uint8Array): string {
  let a = FNV_OFFSET;
  let b = 0x9747b28c;
  for (let i = 0; i < topic.length; i++) {
    const c = topic.charCodeAt(i);
    a = Math.imul(a ^ c, FNV_PRIME);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  a = Math.imul(a ^ 0x2f, FNV_PRIME);
  for (let i = 0; i < payload.length; i++) {
    const c = payload[i] ?? 0;
    a = Math.imul(a ^ c, FNV_PRIME);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return `h${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
}
