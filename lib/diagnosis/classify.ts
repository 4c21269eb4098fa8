/** Pure classifiers: what an HTTP answer, an EWS ResponseCode or an Autodiscover ErrorCode means. */
export { classifyAutodiscoverError } from "./classify-autodiscover.js";
export { classifyEwsError, classifyEwsResponseCode } from "./classify-ews.js";
export { classifyHttpStatus, retryAfter, type HeaderSource, type HttpAnswer } from "./classify-http.js";
