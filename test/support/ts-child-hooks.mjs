// Module hooks for a child Node process that runs this repository's TypeScript sources directly (with
// --experimental-transform-types): an import of "./x.js" finds "./x.ts", as tsc's output would have it.
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (specifier.endsWith(".js") && (specifier.startsWith(".") || specifier.startsWith("/"))) return next(`${specifier.slice(0, -3)}.ts`, context);
    throw error;
  }
}
