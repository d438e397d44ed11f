// The request form of /reports/: offer only the formats the chosen type of report is written in, and the report
// to the mechanism only for a draft. Without this script every choice stays offered and the server says what does
// not fit.
(function () {
  "use strict";
  const kind = document.getElementById("id_kind");
  const format = document.getElementById("id_format");
  if (!kind || !format || !kind.dataset.formats) return;
  const formats = JSON.parse(kind.dataset.formats);
  const mechanismReport = document.getElementById("id_mechanism_report");
  const review = document.getElementById("id_review");

  function update() {
    const allowed = formats[kind.value] || [];
    for (const option of format.options) {
      option.disabled = !allowed.includes(option.value);
    }
    if (format.selectedOptions[0] && format.selectedOptions[0].disabled) format.value = allowed[0];
    if (mechanismReport) {
      mechanismReport.closest(".rasd-field").hidden = kind.value !== "draft";
    }
    if (review && kind.value === "draft") {
      const institution = document.getElementById("id_institution");
      if (institution) institution.value = "";
    }
  }
  kind.addEventListener("change", update);
  update();
})();
