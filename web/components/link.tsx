"use client";
// next/link without viewport prefetching. A <Link> prefetches its route's server payload as soon
// as it scrolls into view; the pages are dynamic (rendered per request), so the header's five
// links and a table's agent and job links meant a dozen server renders fetched and parsed right
// after load, on the main thread the page needs to become interactive (Lighthouse: most of the
// market's blocking time). Here a route is prefetched when the reader shows intent (pointer over
// the link, keyboard focus, a touch), which still comes before the click in nearly every case.
import NextLink from "next/link";
import { useRouter } from "next/navigation";
import type { ComponentProps } from "react";

export default function Link({ href, onMouseEnter, onFocus, onTouchStart, ...props }: Omit<ComponentProps<typeof NextLink>, "prefetch">) {
  const router = useRouter();
  const url = typeof href === "string" ? href : null;
  const prefetch = () => {
    if (url?.startsWith("/")) router.prefetch(url);
  };
  return (
    <NextLink
      {...props}
      href={href}
      prefetch={false}
      onMouseEnter={(e) => { prefetch(); onMouseEnter?.(e); }}
      onFocus={(e) => { prefetch(); onFocus?.(e); }}
      onTouchStart={(e) => { prefetch(); onTouchStart?.(e); }}
    />
  );
}
