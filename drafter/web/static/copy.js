// Conveniences only: the page works without this file.
// "Copy text" puts a letter's text on the clipboard; "Print" opens the print dialog.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button.copy").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var id = button.getAttribute("data-copy");
      var text = document.getElementById(id).textContent;
      var status = document.querySelector('.copied[data-for="' + id + '"]');
      navigator.clipboard.writeText(text).then(function () {
        status.textContent = "Copied. Now paste it into the contact form.";
      }, function () {
        status.textContent = "Could not copy: select the text and copy it yourself.";
      });
    });
  });
  document.querySelectorAll("button.print").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});
