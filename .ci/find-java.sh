# shellcheck shell=bash
# Finds a JDK 25 or newer. Sourced by ../tmem and ./run; defines functions only.
#
#   tmem_find_java    sets TMEM_JAVA_HOME to the JDK to use, or prints why not
#                     to stderr and returns 1.
#
# Order: $JAVA_HOME if its java is 25+; then the directories under each entry
# of TMEM_JDK_SEARCH (colon-separated, default /usr/lib/jvm), names matching
# *25* first, then any other; the first with a bin/java of version 25+ wins.
# TMEM_JDK_SEARCH=/nonexistent simulates a machine without JDK 25.

TMEM_MIN_JAVA=25

# Prints the feature version of the java launcher $1 (8 for "1.8.0_x",
# 25 for "25.0.3"), or nothing if it does not run.
tmem_java_feature() {
  local out v
  out=$("$1" -version 2>&1) || return 1
  # skip lines such as "Picked up JAVA_TOOL_OPTIONS: ..."
  [[ $out =~ version\ \"([^\"]*)\" ]] || return 1
  v=${BASH_REMATCH[1]}
  [[ $v == 1.* ]] && v=${v#1.}
  v=${v%%[!0-9]*}
  [[ -n $v ]] && printf '%s\n' "$v"
}

tmem_jdk_ok() {
  local v
  [[ -x $1/bin/java ]] || return 1
  v=$(tmem_java_feature "$1/bin/java") || return 1
  [[ -n $v ]] && (( v >= TMEM_MIN_JAVA ))
}

tmem_find_java() {
  local dir root roots
  if [[ -n ${JAVA_HOME:-} ]] && tmem_jdk_ok "$JAVA_HOME"; then
    TMEM_JAVA_HOME=$JAVA_HOME
    return 0
  fi
  IFS=: read -r -a roots <<< "${TMEM_JDK_SEARCH:-/usr/lib/jvm}"
  for root in "${roots[@]}"; do
    for dir in "$root"/*25* "$root"/*; do
      if tmem_jdk_ok "$dir"; then
        TMEM_JAVA_HOME=${dir%/}
        return 0
      fi
    done
  done
  echo "tmem needs JDK $TMEM_MIN_JAVA or newer; install e.g. temurin-25-jdk and/or set JAVA_HOME" >&2
  if [[ -n ${JAVA_HOME:-} ]]; then
    echo "  (JAVA_HOME=$JAVA_HOME is not a JDK $TMEM_MIN_JAVA+; searched ${TMEM_JDK_SEARCH:-/usr/lib/jvm})" >&2
  else
    echo "  (searched ${TMEM_JDK_SEARCH:-/usr/lib/jvm})" >&2
  fi
  return 1
}
