/** @type {import('next').NextConfig} */
export default {
  // No `x-powered-by`, no image optimizer (sharp) needed: the app has no images.
  poweredByHeader: false,
  images: { unoptimized: true },
}
