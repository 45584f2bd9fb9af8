/* The ranking ballot, enhanced: drag or press buttons to order the candidates.
 *
 * Without this script the ballot is a number box per candidate, checked on the server. With
 * it, the boxes are hidden and kept in step with two lists ("Your ranking", "Not ranked"), so
 * the very same form is posted. Every move can be made with buttons (keyboard, switch access,
 * screen readers) as well as by dragging (SortableJS), and each move is announced.
 */
(function () {
  "use strict";
  var form = document.getElementById("ballot-form");
  var original = document.getElementById("candidates");
  if (!form || !original || !form.hasAttribute("data-ranking")) return;

  var items = Array.prototype.slice.call(original.querySelectorAll("li.candidate"));
  var order = {}; // ballot-paper order, to put an unranked candidate back where it stood
  items.forEach(function (li, i) { order[li.getAttribute("data-position")] = i; });

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }

  var ranker = el("div", { "class": "ranker" });
  var help = el("p", { "class": "hint", id: "ranker-help" },
    "Press Add beside a candidate to give them your next preference. Use Move up and " +
    "Move down to change the order, or drag the candidates.");
  var rankedBox = el("section", { "class": "rank-col", "aria-labelledby": "ranked-title" });
  rankedBox.appendChild(el("h3", { id: "ranked-title" }, "Your ranking"));
  var rankedEmpty = el("p", { "class": "empty" }, "Nobody ranked yet.");
  rankedBox.appendChild(rankedEmpty);
  var ranked = el("ol", { "class": "rank-list ranked", id: "ranked", "aria-labelledby": "ranked-title" });
  rankedBox.appendChild(ranked);
  var unrankedBox = el("section", { "class": "rank-col", "aria-labelledby": "unranked-title" });
  unrankedBox.appendChild(el("h3", { id: "unranked-title" }, "Not ranked"));
  var unrankedEmpty = el("p", { "class": "empty" }, "Every candidate is ranked.");
  unrankedBox.appendChild(unrankedEmpty);
  var unranked = el("ul", { "class": "rank-list unranked", id: "unranked", "aria-labelledby": "unranked-title" });
  unrankedBox.appendChild(unranked);
  var live = el("p", { "class": "visually-hidden", id: "ballot-live", "aria-live": "polite", role: "status" });
  ranker.appendChild(help);
  ranker.appendChild(rankedBox);
  ranker.appendChild(unrankedBox);
  ranker.appendChild(live);

  function nameOf(li) { return li.getAttribute("data-name"); }
  function inputOf(li) { return li.querySelector("input.pref-input, .pref input"); }
  function button(li, kind) { return li.querySelector("button[data-act='" + kind + "']"); }

  function announce(message) {
    // Clearing first makes a screen reader speak a message that repeats the last one.
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 30);
  }

  // Where each candidate starts: the numbers already in the boxes (a "Change" from the
  // review page, or a ballot returned with an error) place them; blanks are not ranked.
  var start = [];
  items.forEach(function (li) {
    var pref = li.querySelector(".pref");
    var v = parseInt(inputOf(li).value, 10);
    if (v > 0) start.push([v, order[li.getAttribute("data-position")], li]);
    else unranked.appendChild(li);
    pref.hidden = true;
    var badge = el("span", { "class": "rank-no", "aria-hidden": "true" });
    li.querySelector(".cand-main").insertBefore(badge, li.querySelector(".cand-name"));
    var controls = el("div", { "class": "controls" });
    [["add", "Add"], ["up", "Move up"], ["down", "Move down"], ["remove", "Remove"]].forEach(
      function (b) {
        var btn = el("button", { type: "button", "data-act": b[0], "class": "ctl ctl-" + b[0] }, b[1]);
        btn.appendChild(el("span", { "class": "visually-hidden" }, " " + nameOf(li)));
        controls.appendChild(btn);
      }
    );
    li.querySelector(".cand-main").appendChild(controls);
  });
  start.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
  start.forEach(function (s) { ranked.appendChild(s[2]); });
  original.parentNode.replaceChild(ranker, original);

  function sync() {
    Array.prototype.forEach.call(ranked.children, function (li, i) {
      inputOf(li).value = String(i + 1);
      li.querySelector(".rank-no").textContent = String(i + 1);
      button(li, "add").hidden = true;
      button(li, "up").hidden = i === 0;
      button(li, "down").hidden = i === ranked.children.length - 1;
      button(li, "remove").hidden = false;
    });
    Array.prototype.forEach.call(unranked.children, function (li) {
      inputOf(li).value = "";
      li.querySelector(".rank-no").textContent = "";
      button(li, "add").hidden = false;
      button(li, "up").hidden = true;
      button(li, "down").hidden = true;
      button(li, "remove").hidden = true;
    });
    rankedEmpty.hidden = ranked.children.length > 0;
    unrankedEmpty.hidden = unranked.children.length > 0;
  }

  function positionOf(li) { return Array.prototype.indexOf.call(ranked.children, li) + 1; }

  function putBack(li) {
    // An unranked candidate goes back to their place on the ballot paper.
    var before = null;
    Array.prototype.some.call(unranked.children, function (other) {
      if (other !== li && order[other.getAttribute("data-position")] > order[li.getAttribute("data-position")]) {
        before = other;
        return true;
      }
      return false;
    });
    unranked.insertBefore(li, before);
  }

  function focusFirstVisible(li, kinds) {
    for (var i = 0; i < kinds.length; i++) {
      var b = button(li, kinds[i]);
      if (b && !b.hidden) { b.focus(); return; }
    }
  }

  ranker.addEventListener("click", function (event) {
    var btn = event.target.closest("button[data-act]");
    if (!btn) return;
    var li = btn.closest("li.candidate");
    var act = btn.getAttribute("data-act");
    var name = nameOf(li);
    if (act === "add") {
      var next = li.nextElementSibling || li.previousElementSibling;
      ranked.appendChild(li);
      sync();
      announce(name + " added to your ranking at position " + positionOf(li) + ".");
      // Straight on to the next candidate's Add, so a ranking is a run of presses.
      if (next) button(next, "add").focus(); else focusFirstVisible(li, ["up", "remove"]);
    } else if (act === "remove") {
      putBack(li);
      sync();
      announce(name + " removed from your ranking.");
      button(li, "add").focus();
    } else if (act === "up" || act === "down") {
      var sib = act === "up" ? li.previousElementSibling : li.nextElementSibling;
      if (sib) ranked.insertBefore(li, act === "up" ? sib : sib.nextElementSibling);
      sync();
      announce(name + " moved to position " + positionOf(li) + ".");
      focusFirstVisible(li, act === "up" ? ["up", "down", "remove"] : ["down", "up", "remove"]);
    }
  });

  if (window.Sortable) {
    var options = {
      group: "ballot",
      animation: 150,
      // Mouse and touch events rather than native drag and drop: the same on every browser.
      forceFallback: true,
      // A touch must rest a moment before it drags, so a swipe still scrolls the page.
      delay: 150,
      delayOnTouchOnly: true,
      filter: ".controls, details, button, summary",
      preventOnFilter: false,
      ghostClass: "drag-ghost",
      chosenClass: "drag-chosen",
      onEnd: function (evt) {
        var li = evt.item;
        if (evt.to === unranked) {
          putBack(li);
          sync();
          if (evt.from === ranked) announce(nameOf(li) + " removed from your ranking.");
        } else {
          sync();
          announce(nameOf(li) + " moved to position " + positionOf(li) + ".");
        }
      },
    };
    window.Sortable.create(ranked, options);
    window.Sortable.create(unranked, options);
  }
  sync();

  // Errors name number boxes that are hidden now: point their links at the ranking instead.
  var summary = document.getElementById("error-summary");
  if (summary) {
    Array.prototype.forEach.call(summary.querySelectorAll("a[href^='#id_']"), function (a) {
      a.setAttribute("href", "#ranked-title");
    });
    document.getElementById("ranked-title").setAttribute("tabindex", "-1");
    summary.focus();
  }
})();
