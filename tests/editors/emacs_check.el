;;; emacs_check.el --- Run by test_emacs.py under `emacs --batch -Q'  -*- lexical-binding: t; -*-

;; Loads editors/emacs/nixls.el, opens the fixture, connects eglot to nixls
;; the way `eglot-ensure' does, waits for flymake's diagnostics, asks for a
;; hover through eglot's hover route, checks both, writes a JSON report and
;; exits 0 (pass) or 1 (fail).  Parameters come from NIXLS_* variables.

;;; Code:

(require 'package)
(require 'json)
(package-initialize)                    ; Debian's elpa-eglot lives in the package dirs

(defvar nixls-check--report nil "Alist written as the JSON report.")
(defvar nixls-check--timeout (/ (string-to-number (or (getenv "NIXLS_TIMEOUT_MS") "20000")) 1000.0))

(defun nixls-check--note (key value)
  "Record KEY = VALUE in the report."
  (push (cons key value) nixls-check--report))

(defun nixls-check--finish (ok why)
  "Write the report with OK and WHY and exit."
  (unless ok
    ;; what the server printed, to tell why it failed
    (dolist (buffer (buffer-list))
      (when (string-match-p "EGLOT.*stderr" (buffer-name buffer))
        (nixls-check--note 'server-stderr
                           (with-current-buffer buffer (buffer-string))))))
  (nixls-check--note 'ok (if ok t :json-false))
  (nixls-check--note 'why why)
  (with-temp-file (getenv "NIXLS_REPORT")
    (insert (json-encode nixls-check--report)))
  (ignore-errors
    (let ((server (eglot-current-server)))
      (when server (eglot-shutdown server))))
  (kill-emacs (if ok 0 1)))

(defun nixls-check--wait (predicate)
  "Let timers and processes run until PREDICATE holds or the timeout passes."
  (let ((deadline (+ (float-time) nixls-check--timeout)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))

;; A server that dies makes eglot signal from the process sentinel, which
;; batch Emacs turns into exit 255; report it like any other failure.
(advice-add 'jsonrpc--process-sentinel :around
            (lambda (sentinel &rest args)
              (condition-case err
                  (apply sentinel args)
                (error (nixls-check--finish nil (format "server died: %S" err))))))

(condition-case err
    (progn
      (load (getenv "NIXLS_CONFIG") nil t)
      (setq nixls-command (append (json-read-from-string (getenv "NIXLS_CMD")) nil))
      (nixls-check--note 'emacs emacs-version)
      (nixls-check--note 'eglot (package-desc-version (cadr (assq 'eglot package-alist))))
      (find-file (getenv "NIXLS_FIXTURE"))
      (nixls-check--note 'major-mode (symbol-name major-mode))
      ;; As in a session: the mode hook calls `eglot-ensure', which connects
      ;; once the current command ends (post-command-hook).
      (eglot-ensure)
      (run-hooks 'post-command-hook)
      (unless (nixls-check--wait (lambda () (eglot-current-server)))
        (nixls-check--finish nil "eglot did not connect"))
      (nixls-check--note 'server (plist-get (eglot--server-info (eglot-current-server)) :name))
      ;; flymake asks its backends on an idle timer; batch Emacs is never idle.
      (flymake-start)
      ;; Static diagnostics come first, evaluation ones later: wait for all expected.
      (let ((wanted (append (json-read-from-string (getenv "NIXLS_EXPECT_DIAGNOSTICS")) nil)))
        (cl-flet ((missing ()
                    (let ((texts (mapconcat #'flymake-diagnostic-text (flymake-diagnostics) "\n")))
                      (cl-find-if-not (lambda (want) (string-search want texts)) wanted))))
          (nixls-check--wait (lambda () (not (missing))))
          (nixls-check--note
           'diagnostics
           (vconcat (mapcar (lambda (d)
                              `((line . ,(1- (line-number-at-pos (flymake-diagnostic-beg d))))
                                (type . ,(symbol-name (flymake-diagnostic-type d)))
                                (message . ,(flymake-diagnostic-text d))))
                            (flymake-diagnostics))))
          (when (missing)
            (nixls-check--finish nil (format "no diagnostic contains %S" (missing))))))
      ;; Hover the way eglot's eldoc function does: textDocument/hover, then
      ;; `eglot--hover-info' renders the contents.
      (goto-char (point-min))
      (forward-line (string-to-number (getenv "NIXLS_HOVER_LINE")))
      (forward-char (string-to-number (getenv "NIXLS_HOVER_COL")))
      (let* ((server (eglot-current-server))
             (hover (jsonrpc-request server :textDocument/hover
                                     (eglot--TextDocumentPositionParams)))
             (text (and hover (eglot--hover-info (plist-get hover :contents)
                                                 (plist-get hover :range)))))
        (nixls-check--note 'hover (or text :null))
        (unless (and text
                     (cl-every (lambda (want) (string-search want text))
                               (json-read-from-string (getenv "NIXLS_EXPECT_HOVER"))))
          (nixls-check--finish nil "hover does not contain the expected text")))
      (nixls-check--finish t "diagnostics and hover as expected"))
  (error (nixls-check--finish nil (format "error: %S" err))))
;;; emacs_check.el ends here
