// Hotline console: pick a suggested category, take a knowledge-base answer into the reply.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const target = event.target;
    if (!(target instanceof HTMLElement)) return;
    const suggestion = target.closest("[data-category]");
    if (suggestion) {
      const select = document.getElementById("id_category");
      if (select) select.value = suggestion.getAttribute("data-category");
      return;
    }
    const use = target.closest(".ow-kb-use");
    if (use) {
      const hit = use.closest(".ow-kb-hit");
      const reply = document.getElementById("id_reply");
      const knowledge = document.getElementById("id_knowledge");
      const answer = document.getElementById("id_disposition_1");
      if (!hit || !reply) return;
      reply.value = hit.querySelector(".ow-kb-text").innerText.trim();
      if (knowledge) knowledge.value = hit.getAttribute("data-answer");
      if (answer) answer.checked = true;
      reply.focus();
    }
  });
  const chart = document.getElementById("ow-hotline-chart");
  if (chart && window.echarts) {
    const data = JSON.parse(document.getElementById("ow-hotline-chart-data").textContent);
    const instance = window.echarts.init(chart);
    instance.setOption({
      tooltip: {},
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: data.values }],
    });
    window.addEventListener("resize", function () { instance.resize(); });
  }
})();
