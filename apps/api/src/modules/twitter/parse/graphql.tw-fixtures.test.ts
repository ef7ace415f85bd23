import { describeRecorded, expectTweet, parseFixture, summary, variantTable, videoAt } from './x-fixtures.test-helper';

describeRecorded('GraphQL parser on twscrape TweetDetail fixtures', () => {
  it('when the focal post has a portrait video, then variants are best first and the t.co tail is gone', () => {
    const tweet = expectTweet(parseFixture('tw-tweetdetail-video-portrait-1671508600538161153.json'));
    expect(tweet).toMatchObject({ username: 'TheFigen_', text: 'This is not science fiction.\nNightscape in Nanjing, China' });
    // Only the focal post: the reply with a 1080x1920 variant must not leak in.
    expect(summary(tweet.media)).toEqual([{ type: 'video', id: '1668857866328100864', origin: 'post' }]);
    const video = videoAt(tweet.media, 0);
    expect(variantTable(video)).toEqual([
      ['720p', 'https://video.twimg.com/ext_tw_video/1668857866328100864/pu/vid/720x1280/ENfeGwtfyiYvpNy8.mp4'],
      ['480p', 'https://video.twimg.com/ext_tw_video/1668857866328100864/pu/vid/480x852/Doxgvs4FudRgrvhF.mp4'],
      ['320p', 'https://video.twimg.com/ext_tw_video/1668857866328100864/pu/vid/320x568/pY6q1h6ISkvyHc0F.mp4'],
    ]);
    expect(video.variants.map((v) => [v.quality, v.width, v.height, v.size_estimate_bytes])).toEqual([
      ['HD', 720, 1280, 1478048], ['SD', 480, 852, 645288], ['SD', 320, 568, 429286],
    ]);
    expect(video.hls.map((h) => h.url)).toEqual(['https://video.twimg.com/ext_tw_video/1668857866328100864/pu/pl/XClvBaLx4CLu1KJ6.m3u8?container=fmp4']);
  });

  it('when a square video lists its variants unsorted, then they come back sorted by bitrate', () => {
    const tweet = expectTweet(parseFixture('tw-tweetdetail-video-square-1671753569412820992.json'));
    expect(tweet).toMatchObject({ username: 'buitengebieden', text: 'When you’re over 40 and the movie starts..' });
    expect(summary(tweet.media)).toEqual([{ type: 'video', id: '1671753482821328896', origin: 'post' }]);
    const video = videoAt(tweet.media, 0);
    expect(variantTable(video)).toEqual([
      ['720p', 'https://video.twimg.com/amplify_video/1671753482821328896/vid/720x720/MORl_6SWAwSsAEuT.mp4'],
      ['540p', 'https://video.twimg.com/amplify_video/1671753482821328896/vid/540x540/T07VvzqecoseoJpN.mp4'],
      ['320p', 'https://video.twimg.com/amplify_video/1671753482821328896/vid/320x320/RlALwsvrj5xuvcY9.mp4'],
    ]);
    expect(video.variants.map((v) => v.bitrate)).toEqual([1280000, 832000, 432000]);
    expect(video.thumbnail).toBe('https://pbs.twimg.com/amplify_video_thumb/1671753482821328896/img/3mnaTe96MVljUllm.jpg');
  });

  it('when the post is a retweet of a video, then the original media, text and author are returned', () => {
    const tweet = expectTweet(parseFixture('tw-tweetdetail-retweet-of-video-1665951747842641921.json'));
    expect(tweet).toMatchObject({
      statusId: '1665951747842641921',
      username: 'ChinaDaily',
      text: 'Today marks the arrival of a traditional Chinese solar term called mangzhong, or Grain in Ear, signifying a busy farming period.',
    });
    expect(summary(tweet.media)).toEqual([{ type: 'video', id: '1665861064259686400', origin: 'retweet' }]);
    const video = videoAt(tweet.media, 0);
    expect(variantTable(video)).toEqual([
      ['296p', 'https://video.twimg.com/ext_tw_video/1665861064259686400/pu/vid/296x640/qQVrB3CenvchQsuP.mp4'],
    ]);
    expect(video.hls.map((h) => h.url)).toEqual(['https://video.twimg.com/ext_tw_video/1665861064259686400/pu/pl/pPnoCo_jLID-udSS.m3u8?container=fmp4']);
  });

  it('when the post quotes a photo post, then the photo comes with origin "quote"', () => {
    const tweet = expectTweet(parseFixture('tw-tweetdetail-quote-photo-1658421690001502208.json'));
    expect(tweet).toMatchObject({ username: 'morenoagosto', text: 'Se sabe si le permiten pinganillo??' });
    expect(tweet.media).toEqual([{
      type: 'photo', id: '1658407190594453505', origin: 'quote', width: 1024, height: 1280, alt_text: null,
      url: 'https://pbs.twimg.com/media/FwPYjaBWAAETpRI?format=jpg&name=orig',
      thumbnail: 'https://pbs.twimg.com/media/FwPYjaBWAAETpRI?format=jpg&name=small',
    }]);
  });

  it('when the post is a retweet of a photo, then the photo comes with origin "retweet"', () => {
    const tweet = expectTweet(parseFixture('tw-tweetdetail-retweet-of-photo-1658409412799737856.json'));
    expect(tweet).toMatchObject({
      username: 'SisuMisu3',
      text: 'Esta noche el circo está asegurado 😂😂😂\nAyuso se presenta al único debate.\nVamos \n@AleJacintoUrang \nEstamos contigo.\n#Sisu',
    });
    expect(summary(tweet.media)).toEqual([{ type: 'photo', id: '1658407190594453505', origin: 'retweet' }]);
  });

  it('when the post is a long note tweet, then the full note text is used, not the cut full_text', () => {
    const tweet = expectTweet(parseFixture('tw-tweetdetail-notetweet-photo-1682072224013099008.json'));
    expect(tweet.username).toBe('FortniteStatus');
    expect(tweet.text.startsWith('Your one-stop shop for everything live status for #Fortnite!\n\n')).toBe(true);
    expect(tweet.text.endsWith('🚦 Visit the Status page for server status: https://t.co/X55I5IuFkk')).toBe(true);
    expect(Array.from(tweet.text)).toHaveLength(441); // code points, as counted by X
    expect(tweet.text).not.toContain('…');
    expect(summary(tweet.media)).toEqual([{ type: 'photo', id: '1682070498451296256', origin: 'post' }]);
  });

  it('when the video sits in a unified_card, then it is returned with origin "card"', () => {
    const tweet = expectTweet(parseFixture('tw-tweetdetail-unifiedcard-video-1696922210588410217.json'));
    expect(tweet).toMatchObject({
      username: 'FortniteGame',
      text: "Il destino dell'isola è in gioco e il furto è l'ultima spiaggia! Recupera i tesori e restituisci all'isola ciò che le appartiene.",
    });
    expect(summary(tweet.media)).toEqual([{ type: 'video', id: '1696919248436670464', origin: 'card' }]);
    const video = videoAt(tweet.media, 0);
    expect(variantTable(video)).toEqual([
      ['720p', 'https://video.twimg.com/amplify_video/1696919248436670464/vid/1280x720/JzyWcPQpTP-56i4V.mp4'],
      ['360p', 'https://video.twimg.com/amplify_video/1696919248436670464/vid/640x360/ebnYujcZUtnYZUEq.mp4'],
      ['270p', 'https://video.twimg.com/amplify_video/1696919248436670464/vid/480x270/KKTv3Vz_GhI2Wwdr.mp4'],
    ]);
    // container=cmaf must survive the tag stripping.
    expect(video.hls).toEqual([{ url: 'https://video.twimg.com/amplify_video/1696919248436670464/pl/Td0HWYttDediM8Dv.m3u8?container=cmaf', content_type: 'application/x-mpegURL' }]);
    expect(video).toMatchObject({ width: 1280, height: 720, duration_ms: 15019 });
  });

  it('when the card is a live broadcast, then no media is returned (not downloadable here)', () => {
    expect(expectTweet(parseFixture('tw-tweetdetail-card-broadcast-1790441814857826439.json'))).toMatchObject({
      username: 'XDevelopers',
      // the link is the author's, not a media link, so it stays
      text: 'Migrating developer apps to the X API 2 https://t.co/Ooc4ZK2Yb3',
      media: [],
    });
  });

  it('when a retweet points at an audio Space, then the original is returned with no media', () => {
    const tweet = expectTweet(parseFixture('tw-tweetdetail-card-audiospace-retweet-1789054061729173804.json'));
    expect(tweet).toMatchObject({ username: 'suhemparack', media: [], possiblySensitive: false });
    expect(tweet.text).toBe('If you have an app that posts emergency services updates to X using the API, please join us @XDevelopers next week to learn how you can quickly migrate your app to the X API v2 https://t.co/7ajX0RPmaj');
  });

  it('when the focal post of a 36-entry thread has no media, then replies with media are ignored', () => {
    expect(expectTweet(parseFixture('tw-tweetdetail-newschema-gif-1649191520250245121.json'))).toEqual({
      statusId: '1649191520250245121',
      username: 'XDevelopers',
      text: 'Today, we are deprecating our Premium v1.1 API, including Premium Search and Account Activity API.',
      expandedText: 'Today, we are deprecating our Premium v1.1 API, including Premium Search and Account Activity API.',
      media: [],
      possiblySensitive: false,
      source: 'graphql',
    });
  });
});
