// briefing-bot widget: a compact chat for an iframe. Everything from the server or the user is
// inserted as text (textContent), never as HTML. Its words come in the page's language from
// api/suggestions (English until they arrive, or if they do not).
(function () {
  "use strict";
  var RTL = { ar: 1, fa: 1, he: 1, ur: 1 };
  var log = document.getElementById("log");
  var form = document.getElementById("form");
  var input = document.getElementById("q");
  var send = document.getElementById("send");
  var suggest = document.getElementById("suggest");
  var history = [];
  var turn = 0;
  var words = {};  // label key -> text in the page's language
  var pageLanguage = "en";
  // dates as the server writes them: "19 November 2025", Gregorian, digits 0-9
  var DATE_LOCALE = { en: "en-GB", ar: "ar-u-nu-latn", fa: "fa-u-ca-gregory-nu-latn" };

  function word(key, fallback) { return words[key] || fallback; }

  // the widget's fixed words in the page's language (data-label: text; -placeholder, -aria: attributes)
  function applyLabels(data) {
    words = data.labels || {};
    pageLanguage = data.language || "en";
    document.documentElement.lang = pageLanguage;
    // the chat, not the root, turns right to left: the root's left edge stays the scroll limit
    document.querySelector(".bb-chat").dir = RTL[pageLanguage] ? "rtl" : "ltr";
    if (words.widget_title) document.title = words.widget_title;
    [["data-label", function (n, t) { n.textContent = t; }],
     ["data-label-placeholder", function (n, t) { n.setAttribute("placeholder", t); }],
     ["data-label-aria", function (n, t) { n.setAttribute("aria-label", t); }]].forEach(function (kind) {
      Array.prototype.forEach.call(document.querySelectorAll("[" + kind[0] + "]"), function (node) {
        var text = words[node.getAttribute(kind[0])];
        if (text) kind[1](node, text);
      });
    });
  }

  // YYYY-MM-DD or YYYY-MM written out in the page's language; anything else as it is
  function localDate(iso) {
    var m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(iso || "");
    if (!m || typeof Intl === "undefined") return iso;
    var options = { year: "numeric", month: "long", timeZone: "UTC" };
    if (m[3]) options.day = "numeric";
    try {
      return new Intl.DateTimeFormat(DATE_LOCALE[pageLanguage] || pageLanguage, options)
        .format(new Date(Date.UTC(+m[1], +m[2] - 1, +(m[3] || 1))));
    } catch (e) { return iso; }
  }

  function translationNote(kind) {
    return kind === "official" || kind === "unofficial" ? word(kind, kind + " translation") : kind + " translation";
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function add(node) {
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
    return node;
  }

  function passage(citation) {
    var box = el("div", "bb-passage");
    if (RTL[citation.language]) box.dir = "rtl";
    var at = citation.text.indexOf(citation.quote);
    if (at < 0) { box.textContent = citation.text; return box; }
    box.appendChild(document.createTextNode(citation.text.slice(0, at)));
    box.appendChild(el("mark", "", citation.quote));
    box.appendChild(document.createTextNode(citation.text.slice(at + citation.quote.length)));
    return box;
  }

  function citationItem(c, id) {
    var item = el("li");
    var details = el("details");
    details.id = id;
    var summary = el("summary", "", "[" + c.n + "] " + c.title + (c.translation ? " (" + translationNote(c.translation) + ")" : ""));
    details.appendChild(summary);
    details.appendChild(passage(c));
    var asOf = c.as_of ? word("as_of", "as of {date}").replace("{date}", localDate(c.as_of)) : "";
    var meta = el("div", "bb-meta", [c.publisher, localDate(c.published), c.language, asOf].filter(Boolean).join(" · "));
    if (/^https?:\/\//.test(c.url)) {
      meta.appendChild(document.createTextNode(" · "));
      var link = el("a", "", word("original", "original"));
      link.href = c.url; link.target = "_blank"; link.rel = "noopener noreferrer";
      meta.appendChild(link);
    }
    details.appendChild(meta);
    item.appendChild(details);
    return item;
  }

  function render(data) {
    turn += 1;
    var prefix = "c" + turn + "-";
    var msg = el("li", "bb-msg bb-bot" + (data.answered ? "" : " bb-decline"));
    if (RTL[data.language]) msg.dir = "rtl";
    var body = el("div", "bb-text");
    // the answer text, with each [n] turned into a link that opens citation n
    data.answer.split(/(\[\d+\])/).forEach(function (part) {
      var m = /^\[(\d+)\]$/.exec(part);
      if (!m) { body.appendChild(document.createTextNode(part)); return; }
      var a = el("a", "bb-marker", part);
      a.href = "#" + prefix + m[1];
      a.addEventListener("click", function (event) {
        event.preventDefault();
        var target = document.getElementById(prefix + m[1]);
        if (target) { target.open = true; target.scrollIntoView({ block: "nearest" }); }
      });
      body.appendChild(a);
    });
    msg.appendChild(body);
    if (data.answered && data.supported) {
      var badge = el("span", "bb-support bb-support-" + data.supported, words["support_" + data.supported] || "");
      badge.title = String(data.support);
      msg.appendChild(badge);
    }
    if (data.suggestions && data.suggestions.length) showSuggestions(data.suggestions);
    if (data.citations && data.citations.length) {
      var list = el("ol", "bb-cites");
      data.citations.forEach(function (c) { list.appendChild(citationItem(c, prefix + c.n)); });
      msg.appendChild(list);
    }
    add(msg);
  }

  function showSuggestions(questions) {
    suggest.textContent = "";
    questions.forEach(function (q) {
      var b = el("button", "", q);
      b.type = "button";
      b.addEventListener("click", function () { input.value = q; ask(); });
      suggest.appendChild(b);
    });
  }

  // the server-sent events of a streamed answer: calls on(name, data) for each; resolves with the
  // last one ({ ok, data }: the answer object, or an error body)
  function readEvents(response, on) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    var last = { ok: false, data: null };
    function handle(block) {
      var name = "", data = "";
      block.split("\n").forEach(function (line) {
        if (line.indexOf("event: ") === 0) name = line.slice(7);
        else if (line.indexOf("data: ") === 0) data += line.slice(6);
      });
      if (!name || !data) return;
      var parsed = JSON.parse(data);
      if (name === "answer") last = { ok: true, data: parsed };
      else if (name === "error") last = { ok: false, data: parsed };
      else on(name, parsed);
    }
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) { if (buffer.trim()) handle(buffer); return last; }
        buffer += decoder.decode(chunk.value, { stream: true });
        var blocks = buffer.split("\n\n");
        buffer = blocks.pop();
        blocks.forEach(handle);
        return pump();
      });
    }
    return pump();
  }

  function ask() {
    var question = input.value.trim();
    if (!question) return;
    add(el("li", "bb-msg bb-user", question));
    input.value = "";
    send.disabled = true;
    var pending = null;  // the sentences that passed validation so far (text only), until the answer
    function withdraw() { if (pending) { pending.remove(); pending = null; } }
    fetch("api/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
      body: JSON.stringify({ question: question, history: history.slice(-8), stream: true })
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("text/event-stream") < 0 || !response.body || typeof TextDecoder === "undefined") {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }
      return readEvents(response, function (name, data) {
        if (name === "sentence") {
          if (!pending) pending = add(el("li", "bb-msg bb-bot bb-pending", ""));
          pending.textContent += (pending.textContent ? " " : "") + data.text;
          log.scrollTop = log.scrollHeight;
        } else if (name === "withdraw") {
          withdraw();
        }
      });
    }).then(function (result) {
      withdraw();
      if (!result.ok) {
        var text = (result.data && result.data.error && result.data.error.message) || word("error", "Something went wrong.");
        add(el("li", "bb-msg bb-bot bb-error", text));
        return;
      }
      history.push({ role: "user", content: question }, { role: "assistant", content: result.data.answer });
      render(result.data);
    }).catch(function () {
      withdraw();
      add(el("li", "bb-msg bb-bot bb-error", word("unreachable", "The service cannot be reached. Please try again.")));
    }).then(function () { send.disabled = false; input.focus(); });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); ask(); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); ask(); }
  });
  var language = (new URLSearchParams(location.search).get("lang") || navigator.language || "en");
  fetch("api/suggestions?language=" + encodeURIComponent(language))
    .then(function (r) { return r.json(); })
    .then(function (data) { applyLabels(data); showSuggestions(data.questions || []); })
    .catch(function () {});
})();
