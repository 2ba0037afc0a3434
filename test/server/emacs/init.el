;;; init.el --- InitLens in Emacs with eglot (the recipe of docs/editors.md) -*- lexical-binding: t -*-
;;
;; Used as is by test/server/emacs.test.ts. INITLENS_CLI is the path of
;; dist/cli.js; with the CLI installed (e.g. npm link) use ("initlens" "server").

(require 'eglot)

(defvar initlens-server-command
  (if (getenv "INITLENS_CLI") (list "node" (getenv "INITLENS_CLI") "server") (list "initlens" "server")))

(dolist (mode '(python-mode js-mode typescript-mode))
  (add-to-list 'eglot-server-programs
               ;; The extension's settings, by the same names, as initializationOptions.
               `(,mode . (,@initlens-server-command :initializationOptions (:initlens (:distribution "normal"))))))

(add-hook 'python-mode-hook #'eglot-ensure)

(defun initlens-simulate (&optional options)
  "Run InitLens' variance simulation of the first model of this buffer.
Shows the tables (analytic and Monte Carlo) as Markdown in *InitLens simulate*:
Emacs has no webview.  OPTIONS is a plist such as (:seeds 4 :batch 32 :method \"mc\")."
  (interactive)
  (let* ((server (eglot--current-server-or-lose))
         (uri (eglot--path-to-uri (buffer-file-name)))
         ;; [uri, model (null: the first), options]
         (args (if options (vector uri nil options) (vector uri)))
         (result (jsonrpc-request server :workspace/executeCommand
                                  (list :command "initlens.simulateModel" :arguments args)
                                  ;; The Monte Carlo takes seconds (at most 8 seeds per init by default).
                                  :timeout 300)))
    (with-current-buffer (get-buffer-create "*InitLens simulate*")
      (let ((inhibit-read-only t))
        (erase-buffer)
        (insert (plist-get result :markdown))
        (goto-char (point-min))
        (if (fboundp 'markdown-mode) (markdown-mode) (text-mode))
        (read-only-mode 1)))
    (unless noninteractive (display-buffer "*InitLens simulate*"))
    result))

;;; init.el ends here
