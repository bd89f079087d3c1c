// OneWindow public portal: small progressive enhancements. Every page works without them.
(function () {
  "use strict";

  // Print buttons: <button data-action="print">.
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-action='print']") : null;
    if (target) {
      event.preventDefault();
      window.print();
    }
  });

  // The language and elderly-mode switches return to the page shown now (htmx may have changed
  // the address); a page drawn in answer to a form names its own address in data-page-url.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (
      form instanceof HTMLFormElement &&
      (form.classList.contains("ow-lang") || form.classList.contains("ow-elderly-switch"))
    ) {
      var next = form.querySelector("input[name='next']");
      if (next) {
        next.value =
          document.body.dataset.pageUrl ||
          window.location.pathname + window.location.search + window.location.hash;
      }
    }
  });

  // A form that came back with errors: move the focus to the list of errors.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  });

  // Material uploads with progress: a chosen file is sent at once to the upload endpoint and
  // its id kept in the hidden reference; without the script the file goes with the form.
  function csrfToken(form) {
    var input = form ? form.querySelector("input[name='csrfmiddlewaretoken']") : null;
    return input ? input.value : "";
  }

  function setStatus(box, text, failed) {
    var status = box.querySelector("[data-upload-status]");
    if (status) {
      status.textContent = text;
      status.classList.toggle("text-danger", Boolean(failed));
    }
  }

  function upload(input) {
    var box = input.closest("[data-upload-url]");
    var file = input.files && input.files[0];
    if (!box || !file || !window.XMLHttpRequest || !window.FormData) {
      return;
    }
    var form = input.form;
    var progress = box.querySelector("[data-upload-progress]");
    var ref = box.querySelector("[data-upload-ref]");
    var current = box.querySelector("[data-upload-current]");
    var name = box.querySelector("[data-upload-name]");
    var data = new FormData();
    data.append("file", file);
    data.append("csrfmiddlewaretoken", csrfToken(form));
    var request = new XMLHttpRequest();
    request.open("POST", box.dataset.uploadUrl);
    request.setRequestHeader("X-CSRFToken", csrfToken(form));
    request.setRequestHeader("Accept", "application/json");
    box.dataset.uploading = "true";
    input.setAttribute("aria-busy", "true");
    if (progress) {
      progress.value = 0;
      progress.classList.remove("d-none");
    }
    setStatus(box, box.dataset.msgUploading + " 0%", false);
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        var percent = Math.round((event.loaded / event.total) * 100);
        if (progress) {
          progress.value = percent;
        }
        setStatus(box, box.dataset.msgUploading + " " + percent + "%", false);
      }
    });
    function finish() {
      delete box.dataset.uploading;
      input.removeAttribute("aria-busy");
      input.value = "";  // the file is kept on the server; do not send it again with the form
      if (progress) {
        progress.classList.add("d-none");
      }
    }
    request.addEventListener("load", function () {
      var body = null;
      try {
        body = JSON.parse(request.responseText);
      } catch (error) {
        body = null;
      }
      finish();
      if (request.status === 201 && body && body.file_id) {
        if (ref) {
          ref.value = String(body.file_id);
        }
        if (name) {
          name.textContent = body.name;
        }
        if (current) {
          current.classList.remove("d-none");
        }
        input.classList.remove("is-invalid");
        input.removeAttribute("aria-invalid");
        setStatus(box, box.dataset.msgDone + "：" + body.name, false);
      } else {
        var message = body && body.error && body.error.message ? body.error.message : box.dataset.msgFailed;
        input.classList.add("is-invalid");
        input.setAttribute("aria-invalid", "true");
        setStatus(box, message, true);
      }
    });
    request.addEventListener("error", function () {
      finish();
      input.classList.add("is-invalid");
      setStatus(box, box.dataset.msgFailed, true);
    });
    request.send(data);
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.type === "file" && input.closest("[data-upload-url]")) {
      upload(input);
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-apply-form")) {
      return;
    }
    var busy = form.querySelector("[data-upload-url][data-uploading]");
    if (busy) {
      event.preventDefault();
      setStatus(busy, busy.dataset.msgWait, true);
    }
  });
})();
