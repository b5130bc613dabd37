import { redactHeaders } from '../core/redact';

/** The largest body the trace keeps verbatim; longer bodies are cut with a marker. */
export const MAX_TRACE_BODY = 4096;

export function traceBody(text: string): string {
  return text.length <= MAX_TRACE_BODY ? text : `${text.slice(0, MAX_TRACE_BODY)}… (cut)`;
}

/** Headers as the trace keeps them: secret values (Authorization, tokens…) as their size only. */
export function traceHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return redactHeaders(headers);
}
