/** PostgreSQL text and jsonb cannot hold U+0000; bytes from devices can. Raw payloads keep them (bytea). */
export const storableText = (text: string, max = 2000): string => (text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text).slice(0, max);

/** JSON for a jsonb column: `\u0000` escapes become U+FFFD, which jsonb accepts. */
export const storableJson = (value: unknown): string => {
  const json = JSON.stringify(value);
  return json.includes('\\u0000') ? json.replaceAll('\\u0000', '\\ufffd') : json;
};
