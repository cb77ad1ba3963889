// Small browser helpers for the dashboard: copy a permalink, and arrow-key navigation on the unit page.
window.dissection = {
  copy: async function (text) {
    try { await navigator.clipboard.writeText(text); return true; } catch { return false; }
  },
  // One listener at a time: the unit page registers itself and unregisters when it goes away.
  registerArrows: function (dotnetRef) {
    window.dissection.unregisterArrows();
    const handler = function (e) {
      const t = e.target;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
        e.preventDefault();
        dotnetRef.invokeMethodAsync('OnArrowKey', e.key === 'ArrowRight' ? 1 : -1);
      }
    };
    window.dissection._arrows = handler;
    document.addEventListener('keydown', handler);
  },
  unregisterArrows: function () {
    if (window.dissection._arrows) document.removeEventListener('keydown', window.dissection._arrows);
    window.dissection._arrows = null;
  },
  selectAll: function (el) { if (el) { el.focus(); el.select(); } }
};
