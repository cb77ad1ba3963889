// The GAN paint canvas: mouse, pen or touch strokes drawn over the edited picture. The canvas has the generator's
// own resolution (CSS scales it), so its pixels are the image's pixels. When a stroke ends, the painted pixels are
// bit-packed (row-major, least significant bit first), base64-encoded and sent to the page's OnStroke; the server
// max-pools them to the layer's cells. One state per canvas element, so pages never share strokes.
// Keyboard painting, for people who do not use a pointer: with the canvas focused, arrow keys move a brush cursor
// (shown as a ring), Shift+arrows paint along the way, Space or Enter ends the stroke (a single dab when nothing was
// painted yet), Escape drops it. The stroke is sent exactly as a pointer stroke is.
window.ganPaint = (function () {
  const states = new WeakMap();

  function pointAt(canvas, e) {
    const r = canvas.getBoundingClientRect();
    return {
      x: (e.clientX - r.left) * canvas.width / r.width,
      y: (e.clientY - r.top) * canvas.height / r.height
    };
  }

  function dot(ctx, p, radius) {
    ctx.beginPath();
    ctx.arc(p.x, p.y, radius, 0, Math.PI * 2);
    ctx.fill();
  }

  function line(ctx, a, b, radius) {
    ctx.lineWidth = radius * 2;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x, b.y);
    ctx.stroke();
  }

  function packMask(canvas) {
    const ctx = canvas.getContext('2d');
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const n = canvas.width * canvas.height;
    const bytes = new Uint8Array((n + 7) >> 3);
    let any = false;
    for (let i = 0; i < n; i++) {
      if (data[i * 4 + 3] > 0) { bytes[i >> 3] |= 1 << (i & 7); any = true; }
    }
    let text = '';
    for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return { any: any, base64: btoa(text) };
  }

  return {
    attach: function (canvas, dotnetRef, radius) {
      if (!canvas) return;
      window.ganPaint.detach(canvas);
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      const s = { radius: radius, down: false, last: null, pointer: null, handlers: {} };
      const colour = 'rgba(255, 221, 0, 0.55)';
      s.handlers.pointerdown = function (e) {
        if (e.button !== undefined && e.button !== 0) return;
        e.preventDefault();
        s.down = true;
        s.pointer = e.pointerId;
        try { canvas.setPointerCapture(e.pointerId); } catch { }
        ctx.fillStyle = colour;
        ctx.strokeStyle = colour;
        ctx.globalCompositeOperation = 'copy';
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        ctx.globalCompositeOperation = 'source-over';
        s.last = pointAt(canvas, e);
        dot(ctx, s.last, s.radius);
      };
      s.handlers.pointermove = function (e) {
        if (!s.down || e.pointerId !== s.pointer) return;
        e.preventDefault();
        const p = pointAt(canvas, e);
        line(ctx, s.last, p, s.radius);
        s.last = p;
      };
      const finish = function (e) {
        if (!s.down || (e && e.pointerId !== s.pointer)) return;
        s.down = false;
        const packed = packMask(canvas);
        if (packed.any) {
          dotnetRef.invokeMethodAsync('OnStroke', packed.base64, canvas.width, canvas.height)
            .finally(function () { ctx.clearRect(0, 0, canvas.width, canvas.height); });
        } else {
          ctx.clearRect(0, 0, canvas.width, canvas.height);
        }
      };
      s.handlers.pointerup = finish;
      s.handlers.pointercancel = finish;

      // The keyboard cursor: a ring over the canvas, in image pixels like the pointer.
      const ring = document.createElement('div');
      ring.className = 'dd-gan-cursor';
      ring.hidden = true;
      canvas.insertAdjacentElement('afterend', ring);
      s.ring = ring;
      s.cursor = { x: canvas.width / 2, y: canvas.height / 2 };
      s.keyStroke = false;
      const showRing = function () {
        const scale = canvas.getBoundingClientRect().width / canvas.width || 1;
        const d = Math.max(6, s.radius * 2 * scale);
        ring.style.width = ring.style.height = d + 'px';
        ring.style.left = (canvas.offsetLeft + s.cursor.x * scale - d / 2) + 'px';
        ring.style.top = (canvas.offsetTop + s.cursor.y * scale - d / 2) + 'px';
        ring.hidden = false;
      };
      const startKeyStroke = function () {
        ctx.fillStyle = colour;
        ctx.strokeStyle = colour;
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        s.keyStroke = true;
      };
      const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
      s.handlers.keydown = function (e) {
        if (steps[e.key]) {
          e.preventDefault();
          const step = Math.max(1, Math.round(canvas.width / 16));
          const from = { x: s.cursor.x, y: s.cursor.y };
          s.cursor.x = Math.min(canvas.width - 1, Math.max(0, s.cursor.x + steps[e.key][0] * step));
          s.cursor.y = Math.min(canvas.height - 1, Math.max(0, s.cursor.y + steps[e.key][1] * step));
          if (e.shiftKey) {
            if (!s.keyStroke) { startKeyStroke(); dot(ctx, from, s.radius); }
            line(ctx, from, s.cursor, s.radius);
          }
          showRing();
        } else if (e.key === ' ' || e.key === 'Enter') {
          e.preventDefault();
          if (!s.keyStroke) { startKeyStroke(); dot(ctx, s.cursor, s.radius); }
          s.keyStroke = false;
          s.down = true;
          s.pointer = undefined;
          finish();
        } else if (e.key === 'Escape' && s.keyStroke) {
          e.preventDefault();
          s.keyStroke = false;
          ctx.clearRect(0, 0, canvas.width, canvas.height);
        }
      };
      s.handlers.focus = showRing;
      s.handlers.blur = function () { ring.hidden = true; };
      for (const [name, h] of Object.entries(s.handlers)) canvas.addEventListener(name, h);
      states.set(canvas, s);
    },
    setBrush: function (canvas, radius) {
      const s = canvas && states.get(canvas);
      if (s) s.radius = radius;
      if (s && !s.ring.hidden) s.handlers.focus();
    },
    detach: function (canvas) {
      const s = canvas && states.get(canvas);
      if (!s) return;
      for (const [name, h] of Object.entries(s.handlers)) canvas.removeEventListener(name, h);
      s.ring.remove();
      states.delete(canvas);
    }
  };
})();
