;;; check.el --- drive eglot against `initlens server' in emacs --batch -*- lexical-binding: t -*-
;;
;; Run by test/server/emacs.test.ts after init.el: opens INITLENS_FILE (python-mode
;; starts eglot through the hook), waits for the diagnostics Flymake received from
;; the server, reads the hover, asks for the quick fixes and applies the preferred
;; one like `eglot-code-actions' does, waits for the diagnostics to follow, runs
;; `initlens-simulate' (the tables in a buffer), shuts the server down and writes
;; what it saw as JSON to INITLENS_OUT.

(require 'json)
(require 'cl-lib)

(defvar check-out nil "Alist written to INITLENS_OUT.")
(defun check-put (key value) (setq check-out (cons (cons key value) (assq-delete-all key check-out))))

(defun check-wait (pred seconds)
  "Let timers and process output run until PRED is true or SECONDS pass; PRED's value."
  (let ((end (+ (float-time) seconds)))
    (while (and (not (funcall pred)) (< (float-time) end))
      (accept-process-output nil 0.05))
    (funcall pred)))

(defun check-diagnostics ()
  (mapcar (lambda (d)
            (let ((beg (flymake-diagnostic-beg d)) (end (flymake-diagnostic-end d)))
              `((line . ,(line-number-at-pos beg))
                (col . ,(save-excursion (goto-char beg) (current-column)))
                (end_col . ,(save-excursion (goto-char end) (current-column)))
                (type . ,(symbol-name (flymake-diagnostic-type d)))
                (text . ,(flymake-diagnostic-text d)))))
          (sort (flymake-diagnostics) (lambda (a b) (< (flymake-diagnostic-beg a) (flymake-diagnostic-beg b))))))

(defun check-write ()
  (with-temp-file (getenv "INITLENS_OUT") (insert (json-encode check-out))))

(condition-case err
    (progn
      (find-file (getenv "INITLENS_FILE"))
      ;; eglot-ensure connects when the command that opened the file ends; batch mode has no command loop.
      (run-hooks 'post-command-hook)
      (check-put 'mode (symbol-name major-mode))
      (check-put 'connected (and (check-wait (lambda () (eglot-current-server)) 30) t))
      (let ((server (eglot-current-server)))
        (check-put 'server_pid (process-id (jsonrpc--process server)))
        (check-put 'server_name (plist-get (eglot--server-info server) :name))
        (check-put 'waited (and (check-wait (lambda () (flymake-diagnostics)) 30) t))
        (check-put 'before (check-diagnostics))

        ;; Hover on the first Dense layer (what M-x eldoc shows).
        (goto-char (point-min))
        (search-forward "layers.Dense(512")
        (let ((hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams))))
          (check-put 'hover (plist-get (plist-get hover :contents) :value)))

        ;; Quick fixes at the first diagnostic, then the preferred one applied.
        (let* ((diag (car (sort (flymake-diagnostics) (lambda (a b) (< (flymake-diagnostic-beg a) (flymake-diagnostic-beg b))))))
               (beg (flymake-diagnostic-beg diag))
               (end (flymake-diagnostic-end diag))
               (actions (eglot-code-actions beg end "quickfix"))
               (preferred (cl-find-if (lambda (a) (eq (plist-get a :isPreferred) t)) actions))
               (count (length (flymake-diagnostics))))
          (check-put 'actions (mapcar (lambda (a) (plist-get a :title)) actions))
          (check-put 'preferred (plist-get preferred :title))
          (eglot--apply-workspace-edit (plist-get preferred :edit))
          ;; eglot sends the change when Emacs is idle (an idle timer, which batch mode never runs): send it now.
          (eglot--signal-textDocument/didChange)
          (check-put 'fixed (and (check-wait (lambda () (< (length (flymake-diagnostics)) count)) 30) t))
          (check-put 'after (check-diagnostics))
          (goto-char beg)
          (check-put 'line (buffer-substring-no-properties (line-beginning-position) (line-end-position))))

        ;; The variance tables (the CodeLens command; eglot shows no lenses): a buffer of Markdown.
        (initlens-simulate '(:seeds 2 :batch 16))
        (check-put 'simulate (with-current-buffer "*InitLens simulate*" (buffer-string)))

        (eglot-shutdown server)
        (check-put 'running_after_shutdown (jsonrpc-running-p server))))
  (error (check-put 'error (format "%S" err))))

(check-write)
(kill-emacs 0)

;;; check.el ends here
