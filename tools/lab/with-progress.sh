# with_progress LABEL COMMAND...: run COMMAND, printing "  … LABEL: N s" every WITH_PROGRESS_SECONDS (5) while it
# runs (package installs say nothing for minutes); returns as soon as COMMAND ends, with its exit status.
with_progress() {
  local label=$1; shift
  local every=${WITH_PROGRESS_SECONDS:-5}
  "$@" & local pid=$! t0=$SECONDS next=${every}
  while kill -0 "${pid}" 2>/dev/null; do
    sleep 0.2
    if (( SECONDS - t0 >= next )) && kill -0 "${pid}" 2>/dev/null; then
      echo "  … ${label}: $((SECONDS - t0)) s"
      next=$((next + every))
    fi
  done
  wait "${pid}"
}
