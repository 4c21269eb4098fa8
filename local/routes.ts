/** A compiled Functions route template: `profiles/{id}/test-connection`, `status/{profileId?}`, `{name:alpha}`. */
export interface RouteMatcher {
  match(path: string): Record<string, string> | undefined;
}

export function compileRoute(template: string): RouteMatcher {
  const segments = template.replace(/^\/+|\/+$/g, "").split("/").filter((s) => s !== "");
  return {
    match(path) {
      const parts = path.replace(/^\/+|\/+$/g, "").split("/").filter((s) => s !== "");
      const params: Record<string, string> = {};
      for (let i = 0; i < segments.length; i++) {
        const segment = segments[i]!;
        const part = parts[i];
        const parameter = /^\{(\*?)([A-Za-z_][A-Za-z0-9_]*)(?::[^}?]+)?(\?)?\}$/.exec(segment);
        if (parameter) {
          const [, catchAll, name, optional] = parameter;
          if (catchAll) {
            params[name!] = parts.slice(i).map(decodeSegment).join("/");
            return params;
          }
          if (part === undefined) {
            if (optional) continue;
            return undefined;
          }
          params[name!] = decodeSegment(part);
        } else if (part === undefined || part.toLowerCase() !== segment.toLowerCase()) {
          return undefined;
        }
      }
      return parts.length <= segments.length ? params : undefined;
    },
  };
}

/** A malformed %-escape stays as it was, like the host does, so the function answers 400 rather than crashing. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
