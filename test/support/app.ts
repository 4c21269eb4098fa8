import azureFunctions from "@azure/functions";
import type { HttpRequestInit, HttpResponseInit } from "@azure/functions";
import { createAppContext, type AppContext } from "../../lib/app-context.js";
import { testSettings } from "./storage.js";

// @azure/functions is CommonJS; its classes are reached through the default export.
const { HttpRequest, HttpResponse, InvocationContext } = azureFunctions;

/** The app context a test reaches the app through: its own tables and queue in Azurite, the given settings. */
export function testContext(env: Record<string, string> = {}, overrides: Partial<Omit<AppContext, "settings">> = {}): AppContext {
  return createAppContext(testSettings(env), overrides);
}

/** A request as the host hands it to a handler. */
export const request = (init: Partial<HttpRequestInit> & { body?: string }) =>
  new HttpRequest({ method: "GET", url: "http://localhost/api/test", ...init, ...(init.body === undefined ? {} : { body: { string: init.body } }) });

export const invocation = (functionName = "test") => new InvocationContext({ functionName, logHandler: () => {} });

/** What the host would send: status and the parsed JSON body. */
export async function sent(reply: HttpResponseInit): Promise<{ status: number; body: unknown }> {
  const response = new HttpResponse(reply);
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
}
