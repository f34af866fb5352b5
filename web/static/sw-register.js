// Registers the service worker (sw.js, next to this file) and offers the update.
//
// Only over http(s): file:// pages and the single-file build have no service worker. When
// a redeploy brings a new sw.js, the new worker waits instead of taking over a page that
// runs the old files; this shows a "有新版本，刷新" button that lets it take over
// (SKIP_WAITING), and then every open tab of the site reloads, so no page mixes old and
// new files.

const here = new URL('.', import.meta.url);

if ('serviceWorker' in navigator && /^https?:$/.test(location.protocol)) {
  register().catch((err) => console.warn('quxian: service worker not registered:', err));
}

async function register() {
  const registration = await navigator.serviceWorker.register(new URL('sw.js', here), { scope: here.href });
  // When a new worker takes over after an update (the button in any tab), every tab that
  // ran under the old one reloads: its code is old, and the old cache is gone, so its next
  // lazy load (the import worker, the library module) would come from the new build. The
  // first install (no controller before) changes nothing on the page and needs no reload.
  let controlled = navigator.serviceWorker.controller !== null;
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (controlled && !reloading) {
      reloading = true;
      location.reload();
    }
    controlled = true;
  });
  const offer = (worker) => {
    // Only an update: the first install has no controller and nothing to replace.
    if (worker && navigator.serviceWorker.controller) showPrompt(worker);
  };
  offer(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed') offer(worker);
    });
  });
}

/**
 * Let a new version take over now, if there is one: the page found the old one broken.
 * After a redeploy this page's worker still answers with the old build's files (a site's
 * meta among them), whose pieces the host no longer has, and a reload keeps the old worker
 * (it hands over only once every tab of the site is closed). True when the new worker
 * takes over; every tab then reloads (see `register`).
 */
export async function takeUpdate() {
  if (!('serviceWorker' in navigator) || !navigator.serviceWorker.controller) return false;
  const registration = await navigator.serviceWorker.getRegistration(here.href).catch(() => undefined);
  if (!registration) return false;
  await registration.update().catch(() => {});
  const worker = registration.waiting ?? registration.installing;
  if (!worker || !(await installed(worker))) return false;
  worker.postMessage({ type: 'SKIP_WAITING' });
  return true;
}

/** Whether `worker` is installed (waiting to take over), once it has finished installing. */
function installed(worker) {
  return new Promise((resolve) => {
    const check = () => {
      if (worker.state === 'installing') return;
      worker.removeEventListener('statechange', check);
      resolve(worker.state === 'installed');
    };
    worker.addEventListener('statechange', check);
    check();
  });
}

function showPrompt(worker) {
  if (document.querySelector('.qx-update')) return;
  const bar = document.createElement('div');
  bar.className = 'qx-update';
  bar.setAttribute('role', 'status');
  bar.dataset.testid = 'update-prompt';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'qx-update-button';
  button.textContent = '有新版本，刷新';
  button.addEventListener('click', () => {
    button.disabled = true;
    worker.postMessage({ type: 'SKIP_WAITING' });
  });
  bar.append(button);
  document.body.append(bar);
}
