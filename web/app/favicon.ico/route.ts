// Browsers still ask for /favicon.ico on some page loads, whatever the page's <link rel="icon">
// names (app/icon.svg here): they are sent to that icon instead of a 404 (which the page's
// console reports as a failed resource). Static: made once at build time.
export const dynamic = "force-static";

export function GET(): Response {
  return new Response(null, { status: 308, headers: { location: "/icon.svg" } });
}
