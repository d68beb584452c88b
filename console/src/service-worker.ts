/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';

/**
 * The steward's phone (installable PWA): shows Web Push messages as notifications, with a
 * 确认 action that acknowledges the push on the server (stopping its escalation) without opening
 * the app, and opens the steward view on a tap. Payload fields: server/src/notify/web-push.ts.
 * The app shell is cached so the view opens on a poor connection; API calls always go to the network.
 */
const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `dutyroom-shell-${version}`;
const SHELL = [...build, ...files];

interface PushPayload {
  pushId: string;
  title: string;
  body: string;
  severity: string;
  needsAck: boolean;
  path: string;
}

function parsePayload(data: PushMessageData | null): PushPayload | undefined {
  try {
    const value = data?.json() as Partial<PushPayload> | undefined;
    if (typeof value?.pushId !== 'string' || typeof value.title !== 'string') return undefined;
    return {
      pushId: value.pushId,
      title: value.title,
      body: typeof value.body === 'string' ? value.body : '',
      severity: typeof value.severity === 'string' ? value.severity : '',
      needsAck: value.needsAck === true,
      path: typeof value.path === 'string' && value.path.startsWith('/') ? value.path : '/steward',
    };
  } catch {
    return undefined;
  }
}

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== sw.location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/socket.io/')) return;
  // Network first: the console is live software; the cache only stands in when offline.
  event.respondWith(fetch(event.request).catch(async () => (await caches.match(event.request)) ?? (await caches.match('/index.html')) ?? Response.error()));
});

sw.addEventListener('push', (event) => {
  const payload = parsePayload(event.data);
  if (payload === undefined) return;
  event.waitUntil(
    sw.registration.showNotification(payload.title, {
      body: payload.body,
      tag: `push-${payload.pushId}`,
      data: payload,
      // A P1/P2 stays on screen until someone acts on it.
      requireInteraction: payload.needsAck,
      actions: payload.needsAck ? [{ action: 'ack', title: '确认 Acknowledge' }] : [],
    } as NotificationOptions),
  );
});

sw.addEventListener('notificationclick', (event) => {
  const payload = event.notification.data as PushPayload | undefined;
  event.notification.close();
  if (payload === undefined) return;
  if (event.action === 'ack') {
    event.waitUntil(fetch(`/api/v1/pushes/${encodeURIComponent(payload.pushId)}/acknowledge`, { method: 'POST', credentials: 'same-origin' }));
    return;
  }
  event.waitUntil(
    sw.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => new URL(w.url).pathname.startsWith('/steward'));
      return open ? open.navigate(payload.path).then((w) => w?.focus()) : sw.clients.openWindow(payload.path);
    }),
  );
});
