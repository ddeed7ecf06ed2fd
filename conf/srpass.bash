# bash completion for srpass(1): commands, their options, PCI addresses
# of PFs and VFs, and the tenants of srpass.conf.  Installed by
# `make install` as $(BASHCOMPDIR)/srpass.

_srpass_root() {
	local i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		if [[ ${COMP_WORDS[i]} == --root ]]; then
			printf '%s' "${COMP_WORDS[i + 1]}"
			return
		fi
	done
	printf '%s' "${SRPASS_ROOT:-}"
}

# PCI addresses: "vf" (functions with a physfn link), "pf" (with
# sriov_totalvfs), or every function
_srpass_bdfs() {
	local root d
	root=$(_srpass_root)
	for d in "$root"/sys/bus/pci/devices/*; do
		[[ -e $d ]] || continue
		case $1 in
		vf) [[ -e $d/physfn ]] || continue ;;
		pf) [[ -e $d/sriov_totalvfs ]] || continue ;;
		esac
		printf '%s\n' "${d##*/}"
	done
}

_srpass_tenants() {
	local root conf
	root=$(_srpass_root)
	conf=$root/etc/srpass/srpass.conf
	[[ -r $conf ]] || return
	sed -n 's/^[[:space:]]*\[tenant:\([A-Za-z0-9_.-]*\)\][[:space:]]*$/\1/p' "$conf"
}

_srpass() {
	local cur prev cmd sub i words
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	local commands="list show check audit assign release recover restore vf enable disable"
	commands="$commands history metrics config launch attach detach run help"

	# run's COMMAND after "--": a program, then its own words (files)
	for ((i = 1; i < COMP_CWORD; i++)); do
		[[ ${COMP_WORDS[i]} == -- ]] || continue
		if [[ ${COMP_WORDS[1]} == run || " ${COMP_WORDS[*]:1:i} " == *" run "* ]]; then
			if ((COMP_CWORD == i + 1)); then
				mapfile -t COMPREPLY < <(compgen -c -- "$cur")
			else
				mapfile -t COMPREPLY < <(compgen -W "{srpass}" -f -- "$cur")
			fi
			return
		fi
	done

	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--root | --config | --wait) ((i++)) ;;
		-*) ;;
		*)
			if [[ -z ${cmd:-} ]]; then
				cmd=${COMP_WORDS[i]}
			elif [[ -z ${sub:-} ]]; then
				sub=${COMP_WORDS[i]}
			fi
			;;
		esac
	done

	case $prev in
	--root) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
	--config) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
	--tenant | -t) mapfile -t COMPREPLY < <(compgen -W "$(_srpass_tenants)" -- "$cur"); return ;;
	--backend | -b) mapfile -t COMPREPLY < <(compgen -W "kvm xen auto" -- "$cur"); return ;;
	--color) mapfile -t COMPREPLY < <(compgen -W "auto always never" -- "$cur"); return ;;
	--vf) mapfile -t COMPREPLY < <(compgen -W "$(_srpass_bdfs vf)" -- "$cur"); return ;;
	--output | -o)
		if [[ ${cmd:-} == metrics ]]; then
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return
		fi
		mapfile -t COMPREPLY < <(compgen -W "bdf pf index kind id driver group numa netdev vfs
			mac vlan spoofchk trust owner tenant domain backend" -- "$cur")
		return
		;;
	--wait | --domain | -d | --vlan | -V | --mac | -m | --vfs | -v) return ;;
	--domain-xml | --qmp) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
	--timeout) return ;;
	--bus | --addr | --standby-netdev | --standby-network) return ;;
	esac

	if [[ -z ${cmd:-} ]]; then
		words="$commands --root --config --wait --json --color --help --version"
		mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
		return
	fi
	case $cmd in
	list) words="--json --all --tenant --free --no-headers --output --color --help" ;;
	show) words="--json --help $(_srpass_bdfs all)" ;;
	check) words="--json --color --help" ;;
	audit) words="--json --tenant --color --help" ;;
	assign)
		words="--tenant --domain --backend --vlan --mac --dry-run --strict --json --help"
		words="$words $(_srpass_bdfs vf)"
		;;
	release) words="--dry-run --strict --force --json --help $(_srpass_bdfs vf)" ;;
	recover) words="--json --help" ;;
	restore) words="--dry-run --json --help" ;;
	enable) words="--vfs --no-autoprobe --dry-run --json --help $(_srpass_bdfs pf)" ;;
	disable) words="--dry-run --force --json --help $(_srpass_bdfs pf)" ;;
	history) words="--vf --tenant --json --help" ;;
	metrics) words="--output --json --help" ;;
	config)
		if [[ -z ${sub:-} ]]; then
			words="check --help"
		else
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			[[ $cur == -* ]] && mapfile -t COMPREPLY < <(compgen -W "--json --help" -- "$cur")
			return
		fi
		;;
	launch)
		words="--domain --tenant --bus --addr --rombar-off --plain --domain-xml --failover"
		words="$words --standby-netdev --standby-network --json --help"
		[[ -z ${sub:-} ]] && words="qemu libvirt xl $words"
		[[ -n ${sub:-} ]] && words="$words $(_srpass_bdfs vf)"
		;;
	attach)
		words="--domain --qmp --bus --addr --rombar-off --timeout --json --help"
		words="$words $(_srpass_bdfs vf)"
		;;
	detach) words="--qmp --timeout --json --help $(_srpass_bdfs vf)" ;;
	run)
		words="--tenant --domain --backend --vlan --mac --json --help --"
		words="$words $(_srpass_bdfs vf)"
		;;
	help) words=$commands ;;
	vf)
		if [[ -z ${sub:-} ]]; then
			words="show set --help"
		elif [[ $sub == set ]]; then
			words="--dry-run --force --json --help mac vlan qos proto spoofchk trust state"
			words="$words max-rate min-rate query-rss on off auto enable disable 802.1Q 802.1ad"
			words="$words $(_srpass_bdfs vf)"
		else
			words="--json --help $(_srpass_bdfs vf)"
		fi
		;;
	esac
	mapfile -t COMPREPLY < <(compgen -W "${words:-}" -- "$cur")
}

complete -F _srpass srpass
