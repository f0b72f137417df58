package tui

import (
	tea "github.com/charmbracelet/bubbletea"
)

// pending is a destructive action waiting for the user's y/n: the question shown in
// the footer and what runs on yes.
type pending struct {
	question string
	yes      func(m Model) (tea.Model, tea.Cmd)
}

// ask holds an action until the user answers question with y (anything else cancels):
// stopping a task or instance, a new deployment, Spot capacity and quitting an ecsmini
// that stops with the dashboard are not undone by a second key.
func (m Model) ask(question string, yes func(m Model) (tea.Model, tea.Cmd)) (tea.Model, tea.Cmd) {
	m.confirm = &pending{question: question, yes: yes}
	return m, nil
}

// answer handles the key that answers a pending question.
func (m Model) answer(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	p := m.confirm
	m.confirm = nil
	if msg.Type == tea.KeyRunes && len(msg.Runes) == 1 && (msg.Runes[0] == 'y' || msg.Runes[0] == 'Y') {
		return p.yes(m)
	}
	m.flash("cancelled", false)
	return m, nil
}
