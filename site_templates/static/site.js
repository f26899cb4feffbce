// Days left to deadlines, counted from the reader's today (the pages were computed for the
// build date).  Rows with data-due are updated; rows marked data-open-only disappear once past.
(function () {
  "use strict";
  function day(y, m, d) { return Math.floor(Date.UTC(y, m - 1, d) / 864e5); }
  function iso(n) { return new Date(n * 864e5).toISOString().slice(0, 10); }
  function clamp(y, m, d) {
    y += Math.floor((m - 1) / 12); m = ((m - 1) % 12 + 12) % 12 + 1;
    return day(y, m, Math.min(d, new Date(Date.UTC(y, m, 0)).getUTCDate()));
  }
  function next(key, now, t) {  // "monthly|0|25", "quarterly|0|15", "yearly|3|15" (kb.site._next)
    var p = key.split("|"), m = +p[1], d = +p[2], y = t.getFullYear(), mo = t.getMonth() + 1, c = [];
    if (!d) return null;
    if (p[0] === "monthly") c = [clamp(y, mo, d), clamp(y, mo + 1, d)];
    else if (p[0] === "yearly" && m) c = [clamp(y, m, d), clamp(y + 1, m, d)];
    else if (p[0] === "quarterly") [y - 1, y].forEach(function (yy) {
      [3, 6, 9, 12].forEach(function (mm) { c.push(clamp(yy, mm, 31) + d); });
    });
    c = c.filter(function (x) { return x >= now; });
    return c.length ? Math.min.apply(null, c) : null;
  }
  var t = new Date(), now = day(t.getFullYear(), t.getMonth() + 1, t.getDate());
  document.querySelectorAll("[data-due]").forEach(function (row) {
    var due = row.getAttribute("data-due"), key = row.getAttribute("data-recur"), n = null;
    var until = row.getAttribute("data-until");   // a recurring deadline's document ends then
    if (key) n = next(key, now, t);
    else if (due) n = day(+due.slice(0, 4), +due.slice(5, 7), +due.slice(8, 10));
    if (key && until && n !== null && n > day(+until.slice(0, 4), +until.slice(5, 7), +until.slice(8, 10))) n = null;
    var left = n === null ? null : n - now, cell = row.querySelector(".left"), when = row.querySelector(".due");
    if (key && when && n !== null) when.textContent = iso(n);
    if (cell) cell.textContent = left === null ? "—" : left < 0 ? "已截止" : left === 0 ? "今天截止" : "剩 " + left + " 天";
    row.classList.toggle("past", left === null || left < 0);
    if (row.hasAttribute("data-open-only") && (left === null || left < 0)) row.hidden = true;
  });
  var asOf = document.querySelector("[data-as-of]");
  if (asOf) asOf.textContent = iso(now);
})();
