/** The pieces of a docker-modem error that messages use. */

export function statusCode(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

export function describe(error: unknown): string {
  const err = error as { code?: string; json?: { message?: string }; message?: string };
  return [err?.json?.message, err?.code, err?.message].filter(Boolean).join(' ') || String(error);
}
