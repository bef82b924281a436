// The GOV.UK timeout warning (issue 21), for signed-in pages. Two minutes before the session
// would end (or halfway, for a very short session), a modal dialog offers "Stay signed in".
// Focus moves into it; the time left is announced when it opens and then every 30 seconds,
// not every second; Escape does the same as "Stay signed in"; focus goes back where it was.
// "Stay signed in" POSTs to /session/keep-alive with the form token in a header, and the timer
// restarts from the idle period the server answers with. Without JavaScript nothing changes:
// a form sent after the session ended is kept on the server, and shown after signing in.

const dialog = document.getElementById('app-timeout')
if (dialog && typeof dialog.showModal === 'function') {
  watch(dialog)
}

function inWords (seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60)
    return minutes === 1 ? '1 minute' : `${minutes} minutes`
  }
  return seconds === 1 ? '1 second' : `${seconds} seconds`
}

function watch (dialog) {
  const idle = Number(dialog.dataset.idleSeconds)
  const token = dialog.dataset.csrfToken
  if (!(idle > 0) || !token) return
  const warnBefore = Math.min(120, Math.floor(idle / 2))
  const heading = dialog.querySelector('[data-timeout-heading]')
  const countdown = dialog.querySelector('[data-timeout-countdown]')
  const live = dialog.querySelector('[data-timeout-live]')
  const stay = dialog.querySelector('[data-timeout-stay]')
  const signOut = dialog.querySelector('[data-timeout-sign-out]')
  let deadline = 0
  let warnTimer = null
  let tick = null
  let returnFocus = null
  let lastAnnounced = null
  let signedOut = false

  function start (seconds) {
    deadline = Date.now() + seconds * 1000
    clearTimeout(warnTimer)
    warnTimer = setTimeout(warn, Math.max(0, seconds - warnBefore) * 1000)
  }

  function secondsLeft () {
    return Math.max(0, Math.round((deadline - Date.now()) / 1000))
  }

  function warn () {
    returnFocus = document.activeElement
    update(true)
    dialog.showModal()
    stay.focus()
    tick = setInterval(() => update(false), 1000)
  }

  function update (announce) {
    const left = secondsLeft()
    if (left === 0) {
      ended()
      return
    }
    countdown.textContent = `We will sign you out in ${inWords(left)}.`
    if (announce || (left % 30 === 0 && left !== lastAnnounced)) {
      live.textContent = countdown.textContent
      lastAnnounced = left
    }
  }

  function close () {
    clearInterval(tick)
    if (dialog.open) dialog.close()
    if (returnFocus && typeof returnFocus.focus === 'function') returnFocus.focus()
  }

  function ended () {
    clearInterval(tick)
    signedOut = true
    heading.textContent = 'You have been signed out'
    countdown.textContent = 'What you typed is still on this page. When you save it, we will ask you to sign in again and keep your answers.'
    live.textContent = countdown.textContent
    stay.textContent = 'Close'
    if (signOut) signOut.hidden = true
  }

  async function stayOrClose () {
    if (signedOut) {
      close()
      return
    }
    try {
      const response = await fetch('/session/keep-alive', {
        method: 'POST',
        headers: { 'x-csrf-token': token, accept: 'application/json' },
        credentials: 'same-origin',
        redirect: 'manual'
      })
      const isJson = (response.headers.get('content-type') || '').includes('application/json')
      if (!response.ok || !isJson) {
        ended()
        return
      }
      const answer = await response.json()
      close()
      start(Number(answer.idle_seconds) || idle)
    } catch (e) {
      // The network failed: leave the dialog open so the person can try again.
      live.textContent = 'We could not reach the service. Check your connection and try again.'
    }
  }

  stay.addEventListener('click', stayOrClose)
  dialog.addEventListener('cancel', (event) => {
    // Escape keeps the session, as "Stay signed in" does.
    event.preventDefault()
    stayOrClose()
  })
  // The session was last renewed up to a minute before this page was shown: count from what
  // the server says is left, not from a full idle period.
  const left = Number(dialog.dataset.secondsLeft)
  start(left >= 0 && left <= idle ? left : idle)
}
