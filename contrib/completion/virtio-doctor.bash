# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for virtio-doctor(8). Commands, options and column names are asked of
# virtio-doctor itself (--help, COMMAND --help, scan --list-columns), device names of the
# machine (scan -n -r -o DEVICE, under the --sysroot on the line if any), each time: a new
# option or column needs no change here. Works with bash-completion's helpers and without.

# The types --type and --require take (virtio-doctor(8), COLUMNS, TYPE): the common ones.
_virtio_doctor_types="net block console rng balloon scsi 9p gpu input vsock crypto iommu mem
sound fs pmem"

# COMPREPLY: the words of $2 (a newline-separated list) starting with $1.
_virtio_doctor_reply()
{
	local IFS=$'\n'
	# shellcheck disable=SC2207
	COMPREPLY=($(compgen -W "$2" -- "$1"))
}

# An element of a comma-separated list: the words of $2, after what $1 holds before its last
# comma (a leading '+' kept: scan -o +COL).
_virtio_doctor_list()
{
	local cur=$1 pre="" w out=""
	case $cur in
	*,*) pre=${cur%,*}, cur=${cur##*,} ;;
	+*) pre=+ cur=${cur#+} ;;
	esac
	for w in $2; do
		[[ $w == "$cur"* ]] && out+="$pre$w"$'\n'
	done
	_virtio_doctor_reply "" "$out"
	# a list goes on after a comma: no space after a completed element
	[[ ${#COMPREPLY[@]} -gt 0 ]] && compopt -o nospace 2>/dev/null
}

# The options a --help text lists: the words that start with '-' on its option lines.
_virtio_doctor_help_options()
{
	"$@" --help 2>/dev/null | awk '/^ +-/ {
		for (i = 1; i <= NF; i++) {
			w = $i; sub(/,$/, "", w); sub(/\[=.*/, "", w)
			if (w ~ /^</) continue
			if (w !~ /^-/) break
			print w
		} }'
}

_virtio_doctor()
{
	local cur prev words cword split=false
	if declare -F _init_completion >/dev/null; then
		_init_completion -s || return
	else
		words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
		cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
		# --output=DE: bash splits at '=' (COMP_WORDBREAKS)
		if [[ $cur == = ]]; then
			cur="" prev=${COMP_WORDS[COMP_CWORD - 1]}
		elif [[ $prev == = ]]; then
			prev=${COMP_WORDS[COMP_CWORD - 2]}
		fi
	fi
	local vd=${words[0]} cmd="" i
	local -a root=()
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-s | --sysroot)
			[[ ${words[i + 1]} == = ]] && ((i++))
			root=(--sysroot "${words[i + 1]}") && ((i++)) ;;
		--sysroot=*) root=(--sysroot "${words[i]#--sysroot=}") ;;
		-o | --output | -k | --kmsg | -t | --type | -R | --require | -w | --wait | --textfile)
			((i++)) ;;
		=) ((i++)) ;;
		-*) ;;
		*) [[ -z $cmd ]] && cmd=${words[i]} ;;
		esac
	done

	case $prev in
	-s | --sysroot | -k | --kmsg)
		if declare -F _filedir >/dev/null; then _filedir; else
			_virtio_doctor_reply "$cur" "$(compgen -f -- "$cur")"
		fi
		return ;;
	--textfile)
		if declare -F _filedir >/dev/null; then _filedir -d; else
			_virtio_doctor_reply "$cur" "$(compgen -d -- "$cur")"
		fi
		return ;;
	-o | --output)
		_virtio_doctor_list "$cur" "$("$vd" scan --list-columns 2>/dev/null |
			awk '{ print $1 }')"
		return ;;
	-t | --type | -R | --require)
		_virtio_doctor_list "$cur" "$_virtio_doctor_types"
		return ;;
	-w | --wait)
		return ;;
	esac
	$split && return

	if [[ $cur == -* ]]; then
		_virtio_doctor_reply "$cur" "$(_virtio_doctor_help_options "$vd" ${cmd:-scan})"
		return
	fi
	case $cmd in
	"")
		# the commands, or a device: a bare "virtio-doctor" is scan
		_virtio_doctor_reply "$cur" "$("$vd" --help 2>/dev/null |
			awk '/^Commands:/ { f = 1; next } f && /^$/ { exit } f { print $1 }')"
		;;
	scan | explain | bind)
		_virtio_doctor_reply "$cur" "$("$vd" "${root[@]}" scan -n -r -o DEVICE 2>/dev/null)"
		;;
	snapshot)
		if declare -F _filedir >/dev/null; then _filedir; else
			_virtio_doctor_reply "$cur" "$(compgen -f -- "$cur")"
		fi
		;;
	esac
}
complete -F _virtio_doctor virtio-doctor
