/*
 * touchpath collector snippet: page views, clicks and form submissions of a site, sent in
 * batches to a touchpath server's collector (docs/api.md, "The JavaScript snippet").
 *
 *   <script src="https://touchpath.example.com/static/collector.js" defer
 *           data-endpoint="https://touchpath.example.com/api/v1/w/shop/collect"
 *           data-key="tp_...a collector key..."
 *           data-touchpoint="site"></script>
 *
 * Optional attributes: data-cookie (customer id cookie, default "tp_cid"), data-flush-ms
 * (default 2000), data-cookie-days (default 395). On elements: data-tp-touchpoint (the
 * touchpoint of clicks inside it), data-tp-event (an event name for clicks on it),
 * data-tp-conversion on a form (its submission is a conversion), data-tp-ignore.
 * window.touchpath.track(name, {touchpoint, attributes, is_conversion, value, currency})
 * sends an event of your own; window.touchpath.flush() sends the queue now.
 *
 * What is sent: an event id (random), the customer id (a random id in a first-party
 * cookie), the time, the page URL and referrer, utm_* tags as campaign/source/medium, and
 * for clicks the link's address and text; never the values typed into forms.
 * The body goes as text/plain (no CORS preflight); when the page is hidden or left, the
 * queue leaves with navigator.sendBeacon. A batch that fails is kept and sent again:
 * the collector ignores event ids it has, so nothing is counted twice.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.touchpath) {
    return;
  }
  var endpoint = script.getAttribute("data-endpoint");
  var key = script.getAttribute("data-key");
  if (!endpoint || !key) {
    return;
  }
  var url = endpoint + (endpoint.indexOf("?") < 0 ? "?" : "&") + "key=" + encodeURIComponent(key);
  var cookieName = script.getAttribute("data-cookie") || "tp_cid";
  var cookieDays = Number(script.getAttribute("data-cookie-days")) || 395;
  var flushMs = Number(script.getAttribute("data-flush-ms")) || 2000;
  var siteTouchpoint = script.getAttribute("data-touchpoint") || null;
  var MAX_BATCH = 50; // keeps a keepalive/beacon body well under the browsers' 64 KiB
  var queue = [];
  var timer = null;

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function customerId() {
    var match = document.cookie.match(new RegExp("(?:^|; )" + cookieName + "=([^;]*)"));
    var id = match ? decodeURIComponent(match[1]) : uuid();
    var expires = new Date(Date.now() + cookieDays * 864e5).toUTCString();
    document.cookie = cookieName + "=" + encodeURIComponent(id) + "; expires=" + expires +
      "; path=/; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
    return id;
  }

  var customer = customerId();
  var params = new URLSearchParams(location.search);

  function clip(text, n) {
    text = (text || "").replace(/\s+/g, " ").trim();
    return text.length > n ? text.slice(0, n) : text;
  }

  function event(name, extra) {
    var item = {
      event_id: uuid(),
      customer_id: customer,
      ts: new Date().toISOString(),
      event_name: name,
      url: location.href.slice(0, 2000),
      attributes: { page_title: clip(document.title, 200) }
    };
    if (document.referrer) {
      item.referrer = document.referrer.slice(0, 2000);
    }
    if (siteTouchpoint) {
      item.touchpoint = siteTouchpoint;
    }
    [["utm_campaign", "campaign"], ["utm_source", "source"], ["utm_medium", "medium"]].forEach(function (p) {
      var value = params.get(p[0]);
      if (value) {
        item[p[1]] = clip(value, 500);
      }
    });
    extra = extra || {};
    Object.keys(extra).forEach(function (k) {
      if (k === "attributes") {
        Object.keys(extra.attributes).forEach(function (a) {
          item.attributes[a] = extra.attributes[a];
        });
      } else if (extra[k] !== undefined && extra[k] !== null) {
        item[k] = extra[k];
      }
    });
    return item;
  }

  function post(batch, beacon) {
    var body = JSON.stringify({ events: batch });
    if (beacon && navigator.sendBeacon) {
      if (navigator.sendBeacon(url, new Blob([body], { type: "text/plain" }))) {
        return;
      }
    }
    fetch(url, {
      method: "POST",
      body: body,
      headers: { "Content-Type": "text/plain" },
      keepalive: true,
      credentials: "omit",
      mode: "cors"
    }).then(function (response) {
      if (response.status >= 500 || response.status === 429 || response.status === 503) {
        requeue(batch);
      }
    }, function () {
      requeue(batch);
    });
  }

  function requeue(batch) {
    queue = batch.concat(queue).slice(0, 1000);
    schedule();
  }

  function flush(beacon) {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    while (queue.length) {
      post(queue.splice(0, MAX_BATCH), beacon);
    }
  }

  function schedule() {
    if (!timer) {
      timer = setTimeout(function () {
        timer = null;
        flush(false);
      }, flushMs);
    }
  }

  function push(item) {
    queue.push(item);
    if (queue.length >= MAX_BATCH) {
      flush(false);
    } else {
      schedule();
    }
  }

  function touchpointOf(element) {
    var holder = element.closest && element.closest("[data-tp-touchpoint]");
    return holder ? holder.getAttribute("data-tp-touchpoint") : undefined;
  }

  document.addEventListener("click", function (e) {
    var target = e.target && e.target.closest ? e.target.closest("a, button, [data-tp-event]") : null;
    if (!target || target.closest("[data-tp-ignore]")) {
      return;
    }
    push(event(target.getAttribute("data-tp-event") || "click", {
      touchpoint: touchpointOf(target),
      attributes: {
        element: target.tagName.toLowerCase(),
        text: clip(target.innerText || target.value, 100),
        href: target.href ? String(target.href).slice(0, 500) : undefined,
        element_id: target.id || undefined
      }
    }));
  }, true);

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form || form.closest("[data-tp-ignore]")) {
      return;
    }
    push(event(form.getAttribute("data-tp-event") || "form_submit", {
      touchpoint: touchpointOf(form),
      is_conversion: form.hasAttribute("data-tp-conversion") || undefined,
      attributes: {
        form: clip(form.id || form.getAttribute("name") || form.getAttribute("action"), 200)
      }
    }));
    flush(true); // the page may be about to go
  }, true);

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      flush(true);
    }
  });
  window.addEventListener("pagehide", function () {
    flush(true);
  });

  window.touchpath = {
    customerId: customer,
    track: function (name, options) {
      push(event(String(name).slice(0, 500), options));
    },
    flush: function () {
      flush(false);
    }
  };
  push(event("page_view", {}));
})();
