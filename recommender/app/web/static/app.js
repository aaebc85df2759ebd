// backplan: small enhancements only. Every page works without this script.
(function () {
  "use strict";

  // The print button exists only where the script can run it.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // An answer that alone means "get help now" shows the warning the moment it is
  // chosen, right after its question, where the person is looking (in the flow of the
  // page, so it never covers the field that has the focus); the server still stops
  // the questions when the page is sent.
  var alarm = document.getElementById("emergency-now");
  if (!alarm) { return; }
  var inputs = document.querySelectorAll("form.question-form input[type=radio], form.question-form input[type=checkbox]");
  function update() {
    var raised = document.querySelector("input[data-emergency]:checked");
    if (raised) {
      var question = raised.closest("fieldset") || raised;
      if (question.nextElementSibling !== alarm) { question.after(alarm); }
    }
    alarm.hidden = !raised;
  }
  inputs.forEach(function (input) { input.addEventListener("change", update); });
  update();
})();
