// A PDF on the delegate's document page, drawn page by page with the vendored PDF.js (static/vendor/pdfjs):
// each page a canvas as wide as the column, sharp on high-density screens; pages are drawn as they come
// near the screen. Without JavaScript the page offers the download link.
const reader = document.querySelector("[data-pdf-reader]");

function text(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_m, key) => String(values[key]));
}

async function show() {
  const status = reader.querySelector(".reader-status");
  const pages = reader.querySelector(".reader-pages");
  try {
    const pdfjs = await import(reader.dataset.pdfjs);
    pdfjs.GlobalWorkerOptions.workerSrc = reader.dataset.worker;
    const pdf = await pdfjs.getDocument({
      url: reader.dataset.src, isEvalSupported: false, standardFontDataUrl: reader.dataset.fonts,
    }).promise;
    const draw = async (number, canvas) => {
      const page = await pdf.getPage(number);
      const width = pages.clientWidth || 320;
      const unscaled = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: width / unscaled.width });
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.aspectRatio = `${viewport.width} / ${viewport.height}`;
      await page.render({
        canvas, canvasContext: canvas.getContext("2d"), viewport,
        transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : null,
      }).promise;
      canvas.dataset.drawn = "true";
    };
    const observer = "IntersectionObserver" in window ? new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          draw(Number(entry.target.dataset.page), entry.target);
        }
      }
    }, { rootMargin: "600px 0px" }) : null;
    for (let number = 1; number <= pdf.numPages; number += 1) {
      const canvas = document.createElement("canvas");
      canvas.className = "reader-page";
      canvas.dataset.page = String(number);
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", text(reader.dataset.textPage, { n: number, total: pdf.numPages }));
      const box = (await pdf.getPage(number)).getViewport({ scale: 1 });
      canvas.style.aspectRatio = `${box.width} / ${box.height}`;
      pages.appendChild(canvas);
      if (observer) observer.observe(canvas); else draw(number, canvas);
    }
    status.textContent = text(reader.dataset.textPage, { n: 1, total: pdf.numPages });
    reader.dataset.pages = String(pdf.numPages);
  } catch (error) {
    status.textContent = reader.dataset.textFailed;
    reader.dataset.failed = "true";
  }
}

if (reader) show();
