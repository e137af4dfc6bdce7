# Shared by the bench scripts: source it ('. "$(dirname "$0")/lib.sh"').

# bootproxy_yaml_tail <log file>: the server and logging sections of every benchmarked bootproxy:
# the admin connector on loopback (any free port), no request log, INFO lines into one file
# (httpboot's access line per request, TFTP's line per transfer), as an operator would run it.
bootproxy_yaml_tail() {
    cat <<YML
server:
  adminConnectors:
    - type: http
      bindHost: 127.0.0.1
      port: 0
  requestLog:
    appenders: []
logging:
  level: INFO
  appenders:
    - type: file
      currentLogFilename: $1
      archive: false
YML
}
