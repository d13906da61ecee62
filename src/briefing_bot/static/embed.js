// briefing-bot embed: <script src="https://BOT/embed.js" data-label="Ask the press office" async></script>
// Adds a chat bubble that opens the widget in an iframe. The bot only lets allowed origins embed it.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__briefingBotEmbedded) return;
  window.__briefingBotEmbedded = true;
  var base = new URL(".", script.src);
  var label = script.getAttribute("data-label") || "Ask the press office";
  var lang = script.getAttribute("data-lang") || document.documentElement.lang || navigator.language || "en";

  var style = document.createElement("style");
  style.textContent =
    ".bb-bubble{position:fixed;right:16px;bottom:16px;z-index:2147483000;border:0;border-radius:24px;" +
    "padding:12px 18px;background:#0b5cad;color:#fff;font:600 15px system-ui,sans-serif;cursor:pointer;" +
    "box-shadow:0 4px 14px rgba(0,0,0,.25)}" +
    ".bb-frame{box-sizing:border-box;position:fixed;right:16px;bottom:72px;z-index:2147483000;width:380px;height:560px;" +
    "max-width:calc(100vw - 32px);max-height:calc(100vh - 96px);border:1px solid #ccc;border-radius:12px;" +
    "background:#fff;box-shadow:0 8px 30px rgba(0,0,0,.3)}" +
    "@media (max-width:480px){.bb-frame{right:0;bottom:64px;width:100vw;max-width:100vw;height:calc(100vh - 64px);" +
    "max-height:none;border-radius:0}}";
  document.head.appendChild(style);

  var bubble = document.createElement("button");
  bubble.type = "button";
  bubble.className = "bb-bubble";
  bubble.textContent = label;
  bubble.setAttribute("aria-expanded", "false");
  var frame = null;
  bubble.addEventListener("click", function () {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.className = "bb-frame";
      frame.title = label;
      frame.src = new URL("widget?lang=" + encodeURIComponent(lang), base).href;
      document.body.appendChild(frame);
    } else {
      frame.hidden = !frame.hidden;
    }
    bubble.setAttribute("aria-expanded", String(!frame.hidden));
  });
  document.body.appendChild(bubble);
})();
