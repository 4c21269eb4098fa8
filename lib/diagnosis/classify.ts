/** Pure classifiers: what an EWS ResponseCode or an Autodiscover ErrorCode means (an HTTP answer: lib/exchange/classify-http.ts). */
export { classifyAutodiscoverError } from "./classify-autodiscover.js";
export { classifyEwsError, classifyEwsResponseCode } from "./classify-ews.js";
