// briefing-bot widget: a compact chat for an iframe. Everything from the server or the user is
// inserted as text (textContent), never as HTML.
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
    var summary = el("summary", "", "[" + c.n + "] " + c.title + (c.translation ? " (" + c.translation + " translation)" : ""));
    details.appendChild(summary);
    details.appendChild(passage(c));
    var meta = el("div", "bb-meta", [c.publisher, c.published, c.language].filter(Boolean).join(" · "));
    if (/^https?:\/\//.test(c.url)) {
      meta.appendChild(document.createTextNode(" · "));
      var link = el("a", "", "original");
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

  function ask() {
    var question = input.value.trim();
    if (!question) return;
    add(el("li", "bb-msg bb-user", question));
    input.value = "";
    send.disabled = true;
    fetch("api/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question: question, history: history.slice(-8) })
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (!result.ok) {
        var text = (result.data && result.data.error && result.data.error.message) || "Something went wrong.";
        add(el("li", "bb-msg bb-bot bb-error", text));
        return;
      }
      history.push({ role: "user", content: question }, { role: "assistant", content: result.data.answer });
      render(result.data);
    }).catch(function () {
      add(el("li", "bb-msg bb-bot bb-error", "The service cannot be reached. Please try again."));
    }).then(function () { send.disabled = false; input.focus(); });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); ask(); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); ask(); }
  });
  var language = (new URLSearchParams(location.search).get("lang") || navigator.language || "en");
  fetch("api/suggestions?language=" + encodeURIComponent(language))
    .then(function (r) { return r.json(); })
    .then(function (data) { showSuggestions(data.questions || []); })
    .catch(function () {});
})();
