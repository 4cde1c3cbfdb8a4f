# hp: see LICENSE.
# hp.bash: bash completion for hp-supervise, hp-spawn, hp-ls, hp-health,
# hp-detect and hp-pty.
#
# Needs only bash 4; uses bash-completion's _command_offset after "--" in
# hp-spawn when it is loaded.

# Print the state directory of the command line being completed: -S DIR,
# else $HP_STATE_DIR, else $XDG_RUNTIME_DIR/hp, else ${TMPDIR:-/tmp}/hp-UID.
_hp_state_dir()
{
	local i w dir=''
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--)
			break ;;
		-S|--state-dir)
			if [[ ${COMP_WORDS[i+1]-} == = ]]; then
				dir=${COMP_WORDS[i+2]-}
				((i += 2))
			else
				dir=${COMP_WORDS[i+1]-}
				((i++))
			fi ;;
		--state-dir=*)
			dir=${w#--state-dir=} ;;
		-S*)
			dir=${w#-S} ;;
		esac
	done
	if [[ -n $dir ]]; then
		[[ $dir == '~'* ]] && dir=$HOME${dir#'~'}
	elif [[ -n ${HP_STATE_DIR-} ]]; then
		dir=$HP_STATE_DIR
	elif [[ -n ${XDG_RUNTIME_DIR-} ]]; then
		dir=$XDG_RUNTIME_DIR/hp
	else
		dir=${TMPDIR:-/tmp}/hp-$(id -u)
	fi
	printf '%s\n' "$dir"
}

# Print the process names under STATE/procs/.
_hp_names()
{
	local dir d
	dir=$(_hp_state_dir)
	for d in "$dir"/procs/*/; do
		[[ -d $d ]] || continue
		d=${d%/}
		printf '%s\n' "${d##*/}"
	done
}

# Print the names, and the instances NAME:I of those that have them.
_hp_refs()
{
	local dir d i
	dir=$(_hp_state_dir)
	for d in "$dir"/procs/*/; do
		[[ -d $d ]] || continue
		d=${d%/}
		printf '%s\n' "${d##*/}"
		for i in "$d"/[1-9]*/; do
			[[ -d $i ]] || continue
			i=${i%/}
			printf '%s:%s\n' "${d##*/}" "${i##*/}"
		done
	done
}

# Print the names of those that have instances.
_hp_unit_names()
{
	local dir f
	dir=$(_hp_state_dir)
	for f in "$dir"/procs/*/spec; do
		grep -q '^instances = ' "$f" 2>/dev/null || continue
		f=${f%/spec}
		printf '%s\n' "${f##*/}"
	done
}

# _hp_reply_refs: a name or NAME:I. bash splits a word at ":" when
# COMP_WORDBREAKS has it: then the whole word, from the line, is matched,
# and what comes before its last ":", which stays on the line, is taken
# off each reply.
_hp_reply_refs()
{
	local word=${COMP_LINE:0:COMP_POINT} i more=${1-}
	word=${word##*[[:space:]]}
	[[ $word == proc:* ]] && word=${word#proc:}
	mapfile -t COMPREPLY < <(compgen -W "$more $(_hp_refs)" -- "$word")
	if [[ $word == *:* && $word != "$cur" ]]; then
		for i in "${!COMPREPLY[@]}"; do
			COMPREPLY[i]=${COMPREPLY[i]#"${word%:*}":}
		done
	fi
}

# Print the names of the node processes: type = node in their spec.
_hp_node_names()
{
	local dir f
	dir=$(_hp_state_dir)
	for f in "$dir"/procs/*/spec; do
		grep -qx 'type = node' "$f" 2>/dev/null || continue
		f=${f%/spec}
		printf '%s\n' "${f##*/}"
	done
}

_hp_signals()
{
	local s
	for s in HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 \
	    PIPE ALRM TERM CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ \
	    VTALRM PROF WINCH SYS; do
		if [[ $1 == S* && SIG$s == "$1"* ]]; then
			printf 'SIG%s\n' "$s"
		else
			printf '%s\n' "$s"
		fi
	done
}

# _hp_reply WORDLIST: set COMPREPLY to the words matching $cur.
_hp_reply()
{
	mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur")
}

_hp_dirs()
{
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -d -- "$cur")
}

# Set cur and prev for the word being completed.  "--opt=value", split at
# "=" by COMP_WORDBREAKS or left whole, gives prev "--opt" and cur "value";
# the value of "NAME=value" (as in -e) gives prev "=": nothing to offer.
_hp_words()
{
	local lhs=''
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=''
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD-1]}
	if [[ $cur == = ]]; then
		lhs=$prev
		cur=''
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		lhs=${COMP_WORDS[COMP_CWORD-2]}
	elif [[ $cur == *=* && $cur != -[!-]* ]]; then
		lhs=${cur%%=*}
		cur=${cur#*=}
	else
		return 0
	fi
	if [[ $lhs == --?* ]]; then
		prev=$lhs
	else
		prev='='
	fi
}

# The profiles of the -f file on the line: its [TYPE NAME @PROFILE].
_hp_profiles()
{
	local i f=''
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-f|--config) f=${COMP_WORDS[i+1]-} ;;
		esac
	done
	[[ -n $f && -r $f ]] || return
	sed -n 's/^[[:blank:]]*\[[^]@]*@[[:blank:]]*\([A-Za-z0-9._-]*\)[[:blank:]]*\].*/\1/p' "$f" |
	    sort -u
}

_hp_supervise()
{
	local cur prev i w verb='' vi=0 n
	_hp_words
	case $prev in
	-S|--state-dir) _hp_dirs; return ;;
	-f|--config|--allow|--audit)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	-t|--timeout|--parent|--max-procs|--max-memory|--max-load|\
	--queue-timeout|--ready-fd|--parent-grace|--handover|\
	--handover-failed|=) COMPREPLY=(); return ;;
	--events)
		_hp_reply "output metrics output,metrics"; return ;;
	--format)
		_hp_reply "systemd launchd rc"; return ;;
	--profile)
		_hp_reply "$(_hp_profiles)"; return ;;
	esac
	# Options come before the verb; the first other word is the verb.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-S|-t|-f|--state-dir|--timeout|--config|--parent|--max-procs|\
		--max-memory|--max-load|--queue-timeout|--allow|--ready-fd|\
		--events|--audit|--format|--profile|--parent-grace|\
		--handover|--handover-failed)
			[[ ${COMP_WORDS[i+1]-} == = ]] && ((i++))
			((i++)) ;;
		--)
			verb=${COMP_WORDS[i+1]-}; vi=$((i + 1)); break ;;
		-*)
			;;
		*)
			verb=$w; vi=$i; break ;;
		esac
	done
	if [[ -z $verb || $vi -ge $COMP_CWORD ]]; then
		if [[ $cur == -* ]]; then
			_hp_reply "-b --background --implicit --json -S --state-dir
			    -f --config --parent --parent-grace --exit-with-stdin
			    --init -t
			    --timeout --max-procs --max-memory --max-load
			    --queue-timeout --allow --ready-fd --events --audit
			    --profile --handover --handover-failed
			    --handover-version -h --help -V --version"
		else
			_hp_reply "start stop restart remove signal shutdown status
			    reload send scale save startup wait upgrade parent"
		fi
		return
	fi
	n=$((COMP_CWORD - vi))
	case $verb in
	start|stop|restart|remove|reload)
		_hp_reply_refs all ;;
	wait)
		# A process, all or a pattern; then a state of hp(7), or ready.
		if ((n == 1)); then
			_hp_reply_refs all
		elif ((n == 2)); then
			_hp_reply "starting running ready reloading backoff stopping
			    stopped exited failed"
		else
			COMPREPLY=()
		fi ;;
	scale)
		if ((n == 1)); then
			_hp_reply "$(_hp_unit_names)"
		else
			COMPREPLY=()
		fi ;;
	signal)
		if ((n == 1)); then
			_hp_reply "$(_hp_signals "$cur")"
		else
			_hp_reply_refs all
		fi ;;
	upgrade)
		# The hp-supervise to hand the supervisor over to.
		if ((n == 1)); then
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		else
			COMPREPLY=()
		fi ;;
	save|startup)
		# The file; startup's options come after it too.
		if [[ $verb == startup && $cur == -* ]]; then
			_hp_reply "--user --system --format --write --json"
		else
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi ;;
	send)
		# A node process; then the message, which is the user's.
		if ((n == 1)); then
			_hp_reply "$(_hp_node_names)"
		else
			COMPREPLY=()
		fi ;;
	parent)
		# A process ID: of any process, nothing to offer.
		COMPREPLY=() ;;
	*)
		COMPREPLY=() ;;
	esac
}

# The keys of hp.conf(5) that hp-spawn -o takes.
_hp_spec_keys="dir env env-file env-allow clear-env user group umask restart stop-signal stop-timeout
	backoff-min backoff-max backoff-reset max-restarts
	restart-window circuit-reset log-size log-count ready-fd
	ready-check ready-timeout after health health-interval
	health-timeout health-start health-retries health-restart
	node node-args limit-as limit-nofile limit-cpu limit-nproc limit-core
	memory-max cpu-max limit-interval cols rows scrollback quiet
	listen listen-mode listen-owner instances ready watchdog
	watch watch-ignore watch-delay restart-at run-at"

# After "--": the command, then its own arguments. 1: no "--" yet.
_hp_command()
{
	local cur i
	for ((i = 1; i < COMP_CWORD; i++)); do
		[[ ${COMP_WORDS[i]} == -- ]] || continue
		cur=${COMP_WORDS[COMP_CWORD]}
		if ((i + 1 == COMP_CWORD)); then
			mapfile -t COMPREPLY < <(compgen -c -- "$cur" | sort -u)
		elif declare -F _command_offset >/dev/null; then
			_command_offset $((i + 1))
		else
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		return 0
	done
	return 1
}

_hp_spawn()
{
	local cur prev
	_hp_words
	_hp_command && return
	case $prev in
	-S|--state-dir|-C|--dir)
		_hp_dirs; return ;;
	-t|--type)
		_hp_reply "service system node terminal"; return ;;
	-r|--restart)
		_hp_reply "no on-failure always"; return ;;
	--stop-signal)
		_hp_reply "$(_hp_signals "$cur")"; return ;;
	-e|--env)
		compopt -o nospace 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -e -S = -- "$cur")
		return ;;
	--after)
		_hp_reply_refs; return ;;
	--listen)
		compopt -o nospace 2>/dev/null
		_hp_reply "tcp:// unix:"; return ;;
	--env-file)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	-o|--option)
		compopt -o nospace 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -S = -W \
		    "$_hp_spec_keys" -- "$cur")
		return ;;
	-u|--user)
		mapfile -t COMPREPLY < <(compgen -u -- "$cur")
		return ;;
	--limit)
		compopt -o nospace 2>/dev/null
		_hp_reply "as= nofile= cpu= nproc= core="
		return ;;
	-n|--name|--stop-timeout|--backoff-min|--backoff-max|--max-restarts|\
	--restart-window|--circuit-reset|--ready-fd|--wait-ready|\
	--ready-check|--ready-timeout|--health|--memory-max|--cpu-max|\
	--limit-interval|--umask|-i|--instances|=)
		COMPREPLY=(); return ;;
	esac
	_hp_reply "-E --clear-env -w --wait --json -S --state-dir -n --name
	    -t --type -C --dir -e --env -r --restart --stop-signal
	    --stop-timeout --backoff-min --backoff-max --max-restarts
	    --restart-window --circuit-reset --ready-fd --ready-check
	    --ready-timeout --wait-ready --health --after -o --option --limit
	    --memory-max --cpu-max --limit-interval -u --user --umask --listen
	    -i --instances --env-file -h --help -V --version --"
}

_hp_ls()
{
	local cur prev
	_hp_words
	case $prev in
	-S|--state-dir)
		_hp_dirs; return ;;
	-n|--lines|--since|=)
		COMPREPLY=(); return ;;
	esac
	if [[ $cur == -* ]]; then
		_hp_reply "-a --all -f --follow -l --log -n --lines -w --watch
		    --json --history --prometheus --top --since -S --state-dir
		    -h --help -V --version"
	else
		_hp_reply_refs
	fi
}

# hp-health: options, the kinds of check, and names after "proc:" (a word
# of its own or split at ":" by COMP_WORDBREAKS).
_hp_health()
{
	local cur prev
	_hp_words
	case $prev in
	-S|--state-dir)
		_hp_dirs; return ;;
	-t|--timeout|-r|--retries|--expect|-i|--interval|-n|--count|--wait|=)
		COMPREPLY=(); return ;;
	esac
	if [[ $cur == : && $prev == proc ]]; then
		cur=''
		_hp_reply "$(_hp_names)"
	elif [[ $prev == : && ${COMP_WORDS[COMP_CWORD-2]-} == proc ]]; then
		_hp_reply "$(_hp_names)"
	elif [[ $cur == proc:* ]]; then
		cur=${cur#proc:}
		_hp_reply "$(_hp_names)"
		COMPREPLY=("${COMPREPLY[@]/#/proc:}")
	elif [[ $cur == -* ]]; then
		_hp_reply "-t --timeout -r --retries --expect -i --interval -n
		    --count --wait --json -S --state-dir -h --help -V --version"
	else
		compopt -o nospace 2>/dev/null
		_hp_reply "http:// tcp:// unix: proc:"
	fi
}

# hp-detect: options, its verbs, and the tool ids of the registry as
# "hp-detect tools" lists them.
_hp_detect()
{
	local cur prev i w verb='' ops=0
	_hp_words
	case $prev in
	-S|--state-dir)
		_hp_dirs; return ;;
	-j|--jobs|-t|--timeout|--ttl|=)
		COMPREPLY=(); return ;;
	esac
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-j|--jobs|-t|--timeout|--ttl|-S|--state-dir)
			((i++)) ;;
		path|install|update|tools)
			[[ -z $verb && $ops -eq 0 ]] && verb=$w || ((ops++)) ;;
		-*|=) ;;
		*)
			((ops++)) ;;
		esac
	done
	if [[ $cur == -* ]]; then
		case $verb in
		path)
			_hp_reply "--login --no-cache -t --timeout --json -S
			    --state-dir" ;;
		install|update)
			_hp_reply "-t --timeout --json" ;;
		tools)
			_hp_reply "--json" ;;
		*)
			_hp_reply "-a --all -w --watch -j --jobs -t --timeout
			    --ttl --no-cache --login --json -S --state-dir -h
			    --help -V --version" ;;
		esac
	elif [[ -z $verb && $ops -eq 0 ]]; then
		_hp_reply "path install update tools
		    $(hp-detect tools 2>/dev/null | cut -f 1)"
	elif [[ -z $verb || ( $verb != path && $verb != tools &&
	    $ops -eq 0 ) ]]; then
		_hp_reply "$(hp-detect tools 2>/dev/null | cut -f 1)"
	fi
}

# Print the names of the terminals: type = terminal in their status.
_hp_term_names()
{
	local dir f
	dir=$(_hp_state_dir)
	for f in "$dir"/procs/*/status; do
		[[ -f $f ]] && grep -qx 'type = terminal' "$f" || continue
		f=${f%/status}
		printf '%s\n' "${f##*/}"
	done
}

# hp-pty: options, tool ids after -t, a command after "--"; the verbs
# attach, send and resize, then the names of the terminals.
_hp_pty()
{
	local cur prev i w k ops=0
	_hp_words
	_hp_command && return
	case $prev in
	-S|--state-dir|-C|--dir)
		_hp_dirs; return ;;
	-t|--tool)
		_hp_reply "$(hp-detect tools 2>/dev/null | cut -f 1)"; return ;;
	-e|--env)
		compopt -o nospace 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -e -S = -- "$cur")
		return ;;
	-u|--user)
		mapfile -t COMPREPLY < <(compgen -u -- "$cur")
		return ;;
	-o|--option)
		compopt -o nospace 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -S = -W \
		    "$_hp_spec_keys" -- "$cur")
		return ;;
	--detach-key)
		# Quoted: a backslash alone would escape what follows it.
		COMPREPLY=()
		for k in "'^\\'" "'^]'" none; do
			[[ $k == "$cur"* || ${k#\'} == "$cur"* ]] &&
			    COMPREPLY+=("$k")
		done
		return ;;
	-n|--name|-c|--cols|-r|--rows|-T|--term|--umask|--scrollback|\
	--quiet|--replay|--control|=)
		COMPREPLY=(); return ;;
	esac
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-S|--state-dir|-C|--dir|-t|--tool|-e|--env|-n|--name|-c|\
		--cols|-r|--rows|-T|--term|-u|--user|--umask|-o|--option|\
		--scrollback|--quiet|--detach-key|--replay|--control)
			[[ ${COMP_WORDS[i+1]-} == = ]] && ((i++))
			((i++)) ;;
		-*|=) ;;
		*)
			((ops++)) ;;
		esac
	done
	if [[ $cur == -* ]]; then
		_hp_reply "-d --detach -E --clear-env --eof-hangup --json -S
		    --state-dir -n --name -c --cols -r --rows -C --dir -e --env
		    -T --term -t --tool -u --user --umask --scrollback --quiet
		    -o --option --detach-key --replay --no-newline --no-draw
		    --control --spare -h --help -V --version --"
	elif ((ops == 0)); then
		_hp_reply "attach send resize --"
	elif ((ops == 1)); then
		_hp_reply "$(_hp_term_names)"
	fi
}

complete -F _hp_supervise hp-supervise
complete -F _hp_spawn hp-spawn
complete -F _hp_ls hp-ls
complete -F _hp_health hp-health
complete -F _hp_detect hp-detect
complete -F _hp_pty hp-pty
