;;; nixls.el --- Use the nixls language server for Nix through eglot  -*- lexical-binding: t; -*-

;; Load it from your init file:
;;   (add-to-list 'load-path "/path/to/nixls/editors/emacs")
;;   (require 'nixls)
;; then `M-x eglot' in a .nix buffer, or (add-hook 'nixls-nix-mode-hook #'eglot-ensure)
;; (likewise `nix-mode-hook' / `nix-ts-mode-hook' when you use those modes).

;;; Commentary:

;; Registers nixls with eglot for `nix-mode', `nix-ts-mode' and, when
;; neither is installed, for `nixls-nix-mode', a small fallback major mode
;; defined here (comments, strings, keywords; nixls's semantic tokens do
;; the rest where the Emacs supports them).

;;; Code:

(require 'eglot)

(defgroup nixls nil
  "The nixls Nix language server."
  :group 'eglot
  :prefix "nixls-")

(defcustom nixls-command '("nixls")
  "Command line that starts nixls on stdio, as a list of strings.
For example (\"/home/me/.venv/bin/nixls\") or (\"python3\" \"-m\" \"nixls\")."
  :type '(repeat string))

(defcustom nixls-settings nil
  "nixls settings as a plist, sent as initializationOptions.
For example (:eval (:diagnostics \"onType\" :budget (:timeoutMs 5000))).
The same settings may be given per project in `eglot-workspace-configuration'
under the key :nixls."
  :type 'sexp)

(defconst nixls--keywords
  '("let" "in" "with" "rec" "inherit" "assert" "if" "then" "else" "or")
  "Nix keywords.")

(defvar nixls-nix-mode-syntax-table
  (let ((table (make-syntax-table)))
    ;; `#' starts a line comment, `/* */' a block comment.
    (modify-syntax-entry ?# "< b" table)
    (modify-syntax-entry ?\n "> b" table)
    (modify-syntax-entry ?/ ". 14" table)
    (modify-syntax-entry ?* ". 23" table)
    ;; identifiers may contain - and '
    (modify-syntax-entry ?- "_" table)
    (modify-syntax-entry ?' "_" table)
    (modify-syntax-entry ?_ "_" table)
    table)
  "Syntax table of `nixls-nix-mode'.")

;;;###autoload
(define-derived-mode nixls-nix-mode prog-mode "Nix"
  "A minimal major mode for Nix, used when neither `nix-mode' nor `nix-ts-mode' exists."
  :syntax-table nixls-nix-mode-syntax-table
  (setq-local comment-start "# ")
  (setq-local comment-start-skip "#+\\s-*")
  (setq-local font-lock-defaults
              `(((,(regexp-opt nixls--keywords 'symbols) . font-lock-keyword-face)
                 (,(regexp-opt '("true" "false" "null") 'symbols) . font-lock-constant-face)
                 ("\\_<builtins\\_>" . font-lock-builtin-face)
                 ("\\(\\_<[A-Za-z_][A-Za-z0-9_'-]*\\)\\s-*=[^=]" 1 font-lock-variable-name-face)))))

;;;###autoload
(unless (or (fboundp 'nix-mode) (fboundp 'nix-ts-mode))
  (add-to-list 'auto-mode-alist '("\\.nix\\'" . nixls-nix-mode)))

(defun nixls--contact (&optional _interactive)
  "The eglot contact for nixls: `nixls-command' plus `nixls-settings'."
  (append nixls-command
          (and nixls-settings (list :initializationOptions nixls-settings))))

;; Ahead of eglot's own entry for `nix-mode' (another server), so ours wins.
(add-to-list 'eglot-server-programs
             '(((nix-mode :language-id "nix")
                (nix-ts-mode :language-id "nix")
                (nixls-nix-mode :language-id "nix"))
               . nixls--contact))

(provide 'nixls)
;;; nixls.el ends here
