/**
 * Returns Yoga's CORS options for a request: only listed origins are allowed, and never with
 * credentials, because tokens travel in the Authorization header rather than in cookies.
 */
export function corsFor(request: Request, allowedOrigins: readonly string[]) {
  const origin = request.headers.get('origin');
  if (origin === null || !allowedOrigins.includes(origin)) return false as const;

  return {
    origin,
    credentials: false,
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type'],
    exposedHeaders: ['x-request-id'],
    maxAge: 600,
  };
}
