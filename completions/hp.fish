# hp: see LICENSE.
# hp.fish: fish completion for hp-supervise, hp-spawn, hp-ls, hp-health,
# hp-detect and hp-pty.

# Print the state directory of the line being completed: -S DIR, else
# $HP_STATE_DIR, else $XDG_RUNTIME_DIR/hp, else ${TMPDIR:-/tmp}/hp-UID.
function __hp_state_dir
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l dir
    while set -q tokens[1]
        set -l w $tokens[1]
        set -e tokens[1]
        switch $w
            case --
                break
            case -S --state-dir
                if set -q tokens[1]
                    set dir $tokens[1]
                    set -e tokens[1]
                end
            case '--state-dir=*'
                set dir (string replace -- --state-dir= '' $w)
            case '-S?*'
                set dir (string sub -s 3 -- $w)
        end
    end
    if test -n "$dir"
        string replace -r -- '^~' $HOME $dir
    else if test -n "$HP_STATE_DIR"
        echo $HP_STATE_DIR
    else if test -n "$XDG_RUNTIME_DIR"
        echo $XDG_RUNTIME_DIR/hp
    else if test -n "$TMPDIR"
        echo $TMPDIR/hp-(id -u)
    else
        echo /tmp/hp-(id -u)
    end
end

# Print the process names under STATE/procs/.
function __hp_names
    set -l dir (__hp_state_dir)
    for d in $dir/procs/*/
        string replace -r -- '^.*/([^/]+)/$' '$1' $d
    end
end

# Print the names, and the instances NAME:I of those that have them.
function __hp_refs
    set -l dir (__hp_state_dir)
    for d in $dir/procs/*/
        set -l name (string replace -r -- '^.*/([^/]+)/$' '$1' $d)
        echo $name
        for i in $d[1-9]*/
            echo $name:(string replace -r -- '^.*/([^/]+)/$' '$1' $i)
        end
    end
end

# Print the names of those that have instances.
function __hp_unit_names
    set -l dir (__hp_state_dir)
    for f in $dir/procs/*/spec
        grep -q '^instances = ' $f 2>/dev/null
        and string replace -r -- '^.*/([^/]+)/spec$' '$1' $f
    end
end

# Print the names of the node processes: type = node in their spec.
function __hp_node_names
    set -l dir (__hp_state_dir)
    for f in $dir/procs/*/spec
        grep -qx 'type = node' $f 2>/dev/null
        and string replace -r -- '^.*/([^/]+)/spec$' '$1' $f
    end
end

function __hp_signals
    set -l sigs HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 \
        PIPE ALRM TERM CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM \
        PROF WINCH SYS
    printf '%s\n' $sigs
    set -l cur (commandline -ct | string replace -r -- '^--stop-signal=' '')
    if string match -qr -- '^S' $cur
        printf 'SIG%s\n' $sigs
    end
end

# hp-supervise: options come before the verb; print the verb and the
# words after it.
function __hp_supervise_args
    set -l tokens (commandline -opc)
    set -e tokens[1]
    while set -q tokens[1]
        switch $tokens[1]
            case -S -t -f --state-dir --timeout --config --parent \
                --parent-grace --max-procs --max-memory --max-load --queue-timeout --allow \
                --ready-fd --events --audit --format --profile --handover \
                --handover-failed
                set -e tokens[1..2]
            case --
                set -e tokens[1]
                break
            case '-*'
                set -e tokens[1]
            case '*'
                break
        end
    end
    for w in $tokens
        echo $w
    end
end

function __hp_supervise_needs_verb
    set -l args (__hp_supervise_args)
    not set -q args[1]
end

# __hp_supervise_at VERB... N: the verb is one of VERB and N words follow it
# before the one being completed ("N+": at least N).
function __hp_supervise_at
    set -l args (__hp_supervise_args)
    set -q args[1]; or return 1
    contains -- $args[1] $argv[1..-2]; or return 1
    set -l n (math (count $args) - 1)
    set -l want (string replace -- + '' $argv[-1])
    if string match -q -- '*+' $argv[-1]
        test $n -ge $want
    else
        test $n -eq $want
    end
end

function __hp_spawn_after_dashdash
    contains -- -- (commandline -opc)
end

# Complete the command after "--" and its own arguments.
function __hp_spawn_command
    set -l tokens (commandline -opc)
    set -l i (contains -i -- -- $tokens)
    set -l rest $tokens[(math $i + 1)..-1]
    if not set -q rest[1]
        complete -C (commandline -ct)
        return
    end
    complete -C (string join ' ' -- (string escape -- $rest) (commandline -ct))
end

# hp-supervise
complete -c hp-supervise -f
complete -c hp-supervise -n __hp_supervise_needs_verb -s b -l background -d 'Detach, return once ready'
complete -c hp-supervise -n __hp_supervise_needs_verb -l implicit -d 'Exit once no process is left to keep'
complete -c hp-supervise -n __hp_supervise_needs_verb -l json -d 'Events and answers as JSON'
complete -c hp-supervise -n __hp_supervise_needs_verb -s S -l state-dir -x -a '(__fish_complete_directories)' -d 'State directory'
complete -c hp-supervise -n __hp_supervise_needs_verb -s f -l config -r -F -d 'Keep the processes of an hp.conf file'
complete -c hp-supervise -n __hp_supervise_needs_verb -l parent -x -d 'Shut down once this process is gone'
complete -c hp-supervise -n __hp_supervise_needs_verb -l parent-grace -x -d 'Then wait so long for a new parent first'
complete -c hp-supervise -n __hp_supervise_needs_verb -l handover -x -d 'Upgrade: take over from this descriptor (inner)'
complete -c hp-supervise -n __hp_supervise_needs_verb -l handover-failed -x -d 'Upgrade: taken back, for this reason (inner)'
complete -c hp-supervise -n __hp_supervise_needs_verb -l handover-version -d 'Upgrade: the handovers it takes (inner)'
complete -c hp-supervise -n __hp_supervise_needs_verb -l exit-with-stdin -d 'Shut down at the end of stdin'
complete -c hp-supervise -n __hp_supervise_needs_verb -l init -d 'Be the PID 1 of a container'
complete -c hp-supervise -n __hp_supervise_needs_verb -s t -l timeout -x -d 'How long a verb waits'
complete -c hp-supervise -n __hp_supervise_needs_verb -l max-procs -x -d 'Processes running at once'
complete -c hp-supervise -n __hp_supervise_needs_verb -l ready-fd -x -d 'Say on this descriptor when ready'
complete -c hp-supervise -n __hp_supervise_needs_verb -l events -x -a 'output metrics output,metrics' -d 'With --json, output and metrics events too'
complete -c hp-supervise -n __hp_supervise_needs_verb -l allow -r -F -d 'Run only the programs this file lists'
complete -c hp-supervise -n __hp_supervise_needs_verb -l audit -r -F -d 'Append every event to this file too'
complete -c hp-supervise -n __hp_supervise_needs_verb -l profile -x -d 'Take the sections of this profile of the file'
complete -c hp-supervise -n __hp_supervise_needs_verb -l max-memory -x -d 'Start only with this much memory available'
complete -c hp-supervise -n __hp_supervise_needs_verb -l max-load -x -d 'Start only with the load at most this'
complete -c hp-supervise -n __hp_supervise_needs_verb -l queue-timeout -x -d 'How long a start may wait'
complete -c hp-supervise -n __hp_supervise_needs_verb -s h -l help -d 'Print usage'
complete -c hp-supervise -n __hp_supervise_needs_verb -s V -l version -d 'Print version'
complete -c hp-supervise -n __hp_supervise_needs_verb -a start -d 'Start processes again'
complete -c hp-supervise -n __hp_supervise_needs_verb -a stop -d 'Stop processes'
complete -c hp-supervise -n __hp_supervise_needs_verb -a restart -d 'Stop and start processes'
complete -c hp-supervise -n __hp_supervise_needs_verb -a remove -d 'Stop processes and delete them'
complete -c hp-supervise -n __hp_supervise_needs_verb -a signal -d 'Send a signal to processes'
complete -c hp-supervise -n __hp_supervise_needs_verb -a shutdown -d 'Stop everything and the supervisor'
complete -c hp-supervise -n __hp_supervise_needs_verb -a status -d 'Tell whether a supervisor runs'
complete -c hp-supervise -n __hp_supervise_needs_verb -a reload -d 'Read the configuration again, or reload processes'
complete -c hp-supervise -n __hp_supervise_needs_verb -a send -d 'Send a JSON message to a node process'
complete -c hp-supervise -n __hp_supervise_needs_verb -a scale -d 'Change how many instances a process has'
complete -c hp-supervise -n __hp_supervise_needs_verb -a wait -d 'Wait until processes are in a state'
complete -c hp-supervise -n __hp_supervise_needs_verb -a parent -d 'Follow this process as the parent from now on'
complete -c hp-supervise -n '__hp_supervise_at parent 0' -a '(__fish_complete_pids)' -d 'Process ID'
complete -c hp-supervise -n '__hp_supervise_at start stop restart remove reload 0+' -a '(__hp_refs)' -d Process
complete -c hp-supervise -n '__hp_supervise_at start stop restart remove reload 0+' -a all -d 'Every process'
complete -c hp-supervise -n '__hp_supervise_at wait 0' -a '(__hp_refs)' -d Process
complete -c hp-supervise -n '__hp_supervise_at wait 0' -a all -d 'Every process'
complete -c hp-supervise -n '__hp_supervise_at wait 1' -a 'starting running ready reloading backoff stopping stopped exited failed' -d State
complete -c hp-supervise -n '__hp_supervise_at scale 0' -a '(__hp_unit_names)' -d 'Process with instances'
complete -c hp-supervise -n '__hp_supervise_at signal 0' -a '(__hp_signals)' -d Signal
complete -c hp-supervise -n '__hp_supervise_at signal 1+' -a '(__hp_refs)' -d Process
complete -c hp-supervise -n '__hp_supervise_at signal 1+' -a all -d 'Every process'
complete -c hp-supervise -n '__hp_supervise_at send 0' -a '(__hp_node_names)' -d 'Node process'
complete -c hp-supervise -n __hp_supervise_needs_verb -a save -d 'Write what runs as one hp.conf file'
complete -c hp-supervise -n __hp_supervise_needs_verb -a startup -d 'Print or write what starts that file at boot'
complete -c hp-supervise -n '__hp_supervise_at save startup 0+' -F -d 'Saved file'
complete -c hp-supervise -n __hp_supervise_needs_verb -a upgrade -d 'Hand the supervisor over to another binary'
complete -c hp-supervise -n '__hp_supervise_at upgrade 0' -F -d 'hp-supervise to run'
complete -c hp-supervise -n '__hp_supervise_at startup 0+' -l user -d 'At login, for this user'
complete -c hp-supervise -n '__hp_supervise_at startup 0+' -l system -d 'At boot, for the system'
complete -c hp-supervise -n '__hp_supervise_at startup 0+' -l format -x -a 'systemd launchd rc' -d 'What starts it'
complete -c hp-supervise -n '__hp_supervise_at startup 0+' -l write -d 'Write it where it belongs'

# hp-spawn
# The keys of hp.conf(5) that -o takes.
function __hp_spec_keys
    printf '%s=\n' dir env env-file env-allow clear-env user group umask restart stop-signal stop-timeout \
        backoff-min backoff-max backoff-reset max-restarts \
        restart-window circuit-reset log-size log-count ready-fd \
        ready-check ready-timeout after health health-interval \
        health-timeout health-start health-retries health-restart \
        node node-args limit-as limit-nofile limit-cpu limit-nproc \
        limit-core memory-max cpu-max limit-interval cols rows scrollback \
        quiet listen listen-mode listen-owner instances ready watchdog \
        watch watch-ignore watch-delay restart-at run-at
end

complete -c hp-spawn -f
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -s E -l clear-env -d 'Start from an empty environment'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -s w -l wait -d 'Wait, exit with its status'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l json -d 'Print the result as JSON'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -s S -l state-dir -x -a '(__fish_complete_directories)' -d 'State directory'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -s n -l name -x -d 'Process name'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -s t -l type -x -a 'service system node terminal' -d Type
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -s C -l dir -x -a '(__fish_complete_directories)' -d 'Working directory'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -s e -l env -x -a '(set -nx | string replace -r -- \'$\' =)' -d 'Add NAME=VALUE to the environment'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -s r -l restart -x -a 'no on-failure always' -d 'Restart policy'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l stop-signal -x -a '(__hp_signals)' -d 'Stop signal'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l stop-timeout -x -d 'Time before SIGKILL'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l backoff-min -x -d 'First restart delay'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l backoff-max -x -d 'Longest restart delay'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l max-restarts -x -d 'Failures that open the circuit'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l restart-window -x -d 'Window the failures are counted in'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l circuit-reset -x -d 'Time before a trial start'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l ready-fd -x -d 'Descriptor it says it is ready on'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l wait-ready -x -d 'Return once it is ready, within'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l ready-check -x -d 'Ready once this check passes'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l ready-timeout -x -d 'Time to be ready in'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l health -x -d 'Probe its health with this check'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l after -x -a '(__hp_refs)' -d 'Start once this process is ready'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -s o -l option -x -a '(__hp_spec_keys)' -d 'Set a key of hp.conf'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l limit -x -a 'as= nofile= cpu= nproc= core=' -d 'An rlimit of the process'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l memory-max -x -d 'Restart it above this memory'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l cpu-max -x -d 'Report it above this CPU percent'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l limit-interval -x -d 'How often memory and CPU are sampled'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -s u -l user -x -a '(__fish_complete_users)' -d 'Run as this user'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l umask -x -d 'File mode creation mask'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l listen -x -a 'tcp:// unix:' -d 'A socket the supervisor holds for it'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -s i -l instances -x -d 'Run this many copies'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -l env-file -r -F -d 'KEY=VALUE lines read at each start'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -s h -l help -d 'Print usage'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -s V -l version -d 'Print version'
complete -c hp-spawn -n 'not __hp_spawn_after_dashdash' -a -- -d 'End of options, then the command'
complete -c hp-spawn -n __hp_spawn_after_dashdash -x -a '(__hp_spawn_command)'

# hp-ls
complete -c hp-ls -f
complete -c hp-ls -s a -l all -d 'Also list descendant processes'
complete -c hp-ls -s w -l watch -d 'Follow events'
complete -c hp-ls -s l -l log -d 'Print the log of a process'
complete -c hp-ls -s f -l follow -d 'Follow the log'
complete -c hp-ls -s n -l lines -x -d 'Last lines of the log'
complete -c hp-ls -l json -d 'JSON output'
complete -c hp-ls -l history -d 'With --json: the samples kept'
complete -c hp-ls -l prometheus -d 'Prometheus text format'
complete -c hp-ls -l top -d 'A live view, full screen'
complete -c hp-ls -l since -x -d 'Log lines of this last while'
complete -c hp-ls -s S -l state-dir -x -a '(__fish_complete_directories)' -d 'State directory'
complete -c hp-ls -s h -l help -d 'Print usage'
complete -c hp-ls -s V -l version -d 'Print version'
complete -c hp-ls -a '(__hp_refs)' -d Process

# hp-health
function __hp_health_checks
    if string match -q -- 'proc:*' (commandline -ct)
        for n in (__hp_names)
            echo proc:$n
        end
    else
        printf '%s\n' http:// tcp:// unix: proc:
    end
end

complete -c hp-health -f
complete -c hp-health -s t -l timeout -x -d 'How long a try may take'
complete -c hp-health -s r -l retries -x -d 'Tries after a failed one'
complete -c hp-health -l expect -x -d 'The one healthy HTTP status'
complete -c hp-health -s i -l interval -x -d 'Run again every interval'
complete -c hp-health -s n -l count -x -d 'Runs, with -i'
complete -c hp-health -l wait -x -d 'Wait until every check is healthy'
complete -c hp-health -l json -d 'JSON output'
complete -c hp-health -s S -l state-dir -x -a '(__fish_complete_directories)' -d 'State directory'
complete -c hp-health -s h -l help -d 'Print usage'
complete -c hp-health -s V -l version -d 'Print version'
complete -c hp-health -a '(__hp_health_checks)' -d Check

# hp-detect: tool ids from the registry, as "hp-detect tools" lists them
# (id, tab, name: fish shows the name as the description).
function __hp_detect_verb
    set -l tokens (commandline -opc)
    set -e tokens[1]
    for w in $tokens
        switch $w
            case path install update tools
                echo $w
                return 0
            case '-*'
            case '*'
                return 1
        end
    end
    return 1
end

# No operand yet (the words after -j, -t and --ttl are theirs).
function __hp_detect_none
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    for w in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case -j -t -S --jobs --timeout --ttl --state-dir
                set skip 1
            case '-*'
            case '*'
                return 1
        end
    end
    return 0
end

function __hp_detect_tools
    set -l verb (__hp_detect_verb)
    if contains -- "$verb" path tools
        return
    end
    hp-detect tools 2>/dev/null
end

complete -c hp-detect -f
complete -c hp-detect -s a -l all -d 'Every candidate, and why'
complete -c hp-detect -s w -l watch -d 'Print each result as it comes'
complete -c hp-detect -s j -l jobs -x -d 'Probes at once'
complete -c hp-detect -s t -l timeout -x -d 'How long a probe may take'
complete -c hp-detect -l ttl -x -d 'How long a cached answer lasts'
complete -c hp-detect -l no-cache -d 'Probe every tool'
complete -c hp-detect -l login -d 'Add the login shell PATH'
complete -c hp-detect -l json -d 'JSON output'
complete -c hp-detect -s S -l state-dir -x -a '(__fish_complete_directories)' -d 'State directory'
complete -c hp-detect -s h -l help -d 'Print usage'
complete -c hp-detect -s V -l version -d 'Print version'
complete -c hp-detect -n '__hp_detect_none; and not string match -q -- "-*" (commandline -ct)' \
    -a 'path install update tools' -d Verb
complete -c hp-detect -a '(__hp_detect_tools)'

# hp-pty: like hp-spawn before and after "--"; the verbs attach, send and
# resize, and the terminals.
function __hp_pty_terms
    set -l dir (__hp_state_dir)
    for f in $dir/procs/*/status
        if string match -q -- 'type = terminal' < $f
            basename (dirname $f)
        end
    end
end

# The operands so far (the words after options that take one are theirs).
function __hp_pty_ops
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    set -l n 0
    for w in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case -S --state-dir -C --dir -t --tool -e --env -n --name \
                -c --cols -r --rows -T --term -u --user --umask -o \
                --option --scrollback --quiet --detach-key --replay --control
                set skip 1
            case '-*'
            case '*'
                set n (math $n + 1)
        end
    end
    test $n -eq $argv[1]
end

set -l nd 'not __hp_spawn_after_dashdash'
complete -c hp-pty -f
complete -c hp-pty -n $nd -s d -l detach -d 'Hand the terminal to the supervisor'
complete -c hp-pty -n $nd -s E -l clear-env -d 'Start from an empty environment'
complete -c hp-pty -n $nd -l eof-hangup -d 'Hang up at the end of input'
complete -c hp-pty -n $nd -l json -d 'JSON output'
complete -c hp-pty -n $nd -s S -l state-dir -x -a '(__fish_complete_directories)' -d 'State directory'
complete -c hp-pty -n $nd -s n -l name -x -d 'Name of the terminal'
complete -c hp-pty -n $nd -s c -l cols -x -d 'Width'
complete -c hp-pty -n $nd -s r -l rows -x -d 'Height'
complete -c hp-pty -n $nd -s C -l dir -x -a '(__fish_complete_directories)' -d 'Working directory'
complete -c hp-pty -n $nd -s e -l env -x -a '(set -nx | string replace -r -- \'$\' =)' -d 'Add NAME=VALUE to the environment'
complete -c hp-pty -n $nd -s T -l term -x -d 'TERM of the program'
complete -c hp-pty -n $nd -s t -l tool -x -a '(hp-detect tools 2>/dev/null)' -d 'CLI tool of the registry'
complete -c hp-pty -n $nd -s u -l user -x -a '(__fish_complete_users)' -d 'Run as this user'
complete -c hp-pty -n $nd -l umask -x -d 'File mode creation mask'
complete -c hp-pty -n $nd -l scrollback -x -d 'Output kept for attach'
complete -c hp-pty -n $nd -l quiet -x -d 'Silence before a quiet event'
complete -c hp-pty -n $nd -s o -l option -x -a '(__hp_spec_keys)' -d 'Set a key of hp.conf'
complete -c hp-pty -n $nd -l detach-key -x -a "none '^\\\\' '^]'" -d 'Key that detaches'
complete -c hp-pty -n $nd -l replay -x -d 'Scrollback replayed on attach'
complete -c hp-pty -n $nd -l no-newline -d 'Send no Enter after the text'
complete -c hp-pty -n $nd -l no-draw -d 'Attach without a draw of the screen'
complete -c hp-pty -n $nd -l control -x -d 'Descriptor of the control channel'
complete -c hp-pty -n $nd -l spare -d 'Wait for the command on the control channel'
complete -c hp-pty -n $nd -s h -l help -d 'Print usage'
complete -c hp-pty -n $nd -s V -l version -d 'Print version'
complete -c hp-pty -n "$nd; and __hp_pty_ops 0; and not string match -q -- '-*' (commandline -ct)" -a 'attach send resize --' -d Verb
complete -c hp-pty -n "$nd; and __hp_pty_ops 1" -a '(__hp_pty_terms)' -d Terminal
complete -c hp-pty -n __hp_spawn_after_dashdash -x -a '(__hp_spawn_command)'
