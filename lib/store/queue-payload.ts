/** Queue messages are Base64 text, the Functions host's default encoding; JSON payloads reach the handler as objects. */
export function encodeQueuePayload(payload: unknown): string {
  return Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload), "utf8").toString("base64");
}

export function decodeQueuePayload(messageText: string): unknown {
  const text = Buffer.from(messageText, "base64").toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
