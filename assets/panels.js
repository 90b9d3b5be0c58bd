// Escape closes the reader panel (the close button does the work, so Dash sees an ordinary click).
document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') { return; }
    const reader = document.getElementById('reader');
    const close = document.getElementById('reader-close');
    if (reader && !reader.hidden && close) { close.click(); }
});
