// The workbench's small helpers: show the applicant fields of the chosen kind, print receipts.
(function () {
    "use strict";

    function applicantKind() {
        var form = document.querySelector(".ow-wb-applicant-form");
        if (!form) {
            return;
        }
        function update() {
            var checked = form.querySelector("input[name='kind']:checked");
            var kind = checked ? checked.value : "person";
            form.querySelectorAll(".ow-wb-person-only").forEach(function (el) {
                el.hidden = kind !== "person";
            });
            form.querySelectorAll(".ow-wb-organization-only").forEach(function (el) {
                el.hidden = kind !== "organization";
            });
        }
        form.addEventListener("change", update);
        update();
    }

    function printButtons() {
        document.querySelectorAll("[data-ow-print]").forEach(function (button) {
            button.addEventListener("click", function () {
                window.print();
            });
        });
    }

    document.addEventListener("DOMContentLoaded", function () {
        applicantKind();
        printButtons();
    });
})();
