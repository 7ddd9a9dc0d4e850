"""`selfcare hook SHELL`: snippets that put `selfcare status` in the prompt.

Each runs `selfcare status` before every prompt (as direnv and zoxide hook in)
and shows its line, in brackets, before the prompt the person already has.
The line reaches the prompt through a variable, never pasted into PS1, so
nothing in it is run or read as prompt escapes; an error shows no line
(run `selfcare status` by hand to see it). Adding a snippet twice is harmless.
"""

from __future__ import annotations

SHELLS = ("bash", "zsh", "fish")

BASH = r"""# selfcare: the status line in the prompt. Add to ~/.bashrc: eval "$(selfcare hook bash)"
_selfcare_hook() {
  local previous_exit_status=$?
  _selfcare_line="$(command selfcare status 2>/dev/null)"
  case "$PS1" in
    *'${_selfcare_line'*) ;;
    *) PS1='${_selfcare_line:+[$_selfcare_line] }'"$PS1" ;;
  esac
  return $previous_exit_status
}
if [[ ";${PROMPT_COMMAND[*]:-};" != *";_selfcare_hook;"* ]]; then
  if [[ "$(declare -p PROMPT_COMMAND 2>&1)" == "declare -a"* ]]; then
    PROMPT_COMMAND=(_selfcare_hook "${PROMPT_COMMAND[@]}")
  else
    PROMPT_COMMAND="_selfcare_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
  fi
fi
"""

ZSH = r"""# selfcare: the status line in the prompt. Add to ~/.zshrc: eval "$(selfcare hook zsh)"
_selfcare_hook() {
  _selfcare_line="$(command selfcare status 2>/dev/null)"
}
typeset -ag precmd_functions
if (( ! ${precmd_functions[(I)_selfcare_hook]} )); then
  precmd_functions=(_selfcare_hook $precmd_functions)
fi
setopt prompt_subst
if [[ "$PROMPT" != *'${_selfcare_line'* ]]; then
  PROMPT='${_selfcare_line:+[${_selfcare_line//\%/%%}] }'"$PROMPT"
fi
"""

FISH = r"""# selfcare: the status line in the prompt. Add to ~/.config/fish/config.fish: selfcare hook fish | source
if not functions -q _selfcare_original_prompt
    functions -c fish_prompt _selfcare_original_prompt
    function _selfcare_status_was
        return $argv[1]
    end
    function fish_prompt
        set -l previous_status $status
        set -l line (command selfcare status 2>/dev/null)
        test -n "$line"; and printf '[%s] ' "$line"
        _selfcare_status_was $previous_status
        _selfcare_original_prompt
    end
end
"""

SNIPPETS = {"bash": BASH, "zsh": ZSH, "fish": FISH}
