/** Settles after `turns` turns of the event loop (the I/O already waiting is handled first). */
export async function afterTurns(turns = 1): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}
